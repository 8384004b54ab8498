import Hummingbird
import NIOCore

/// The request context of the control API: keeps the connection's channel so a handler can
/// read the caller's `SO_PEERCRED`, and caps request bodies.
public struct ControlContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    public static let maxBodySize = 64 * 1024
    public var maxUploadSize: Int { Self.maxBodySize }

    /// The local user who sent the request.
    func caller() async -> Caller {
        guard let credentials = await PeerCredentials.of(channel) else { return Caller(name: "unknown") }
        return Caller(name: credentials.userName, uid: credentials.uid)
    }
}
