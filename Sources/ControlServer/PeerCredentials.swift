import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// The local user at the other end of a Unix socket (`SO_PEERCRED`), for the audit log.
public struct PeerCredentials: Sendable, Hashable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    /// Laid out like Linux's `struct ucred` (not visible to Swift without `_GNU_SOURCE`).
    struct UCred {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// Reads the credentials of `channel`'s peer, or nil when the channel is not a Unix socket.
    static func of(_ channel: any Channel) async -> PeerCredentials? {
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        do {
            let cred: UCred = try await provider.unsafeGetSocketOption(level: .socket, name: .init(rawValue: SO_PEERCRED)).get()
            return PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid)
        } catch {
            return nil
        }
    }

    /// The user's name from the password database, or `uid N` when it has none.
    public var userName: String { Self.userName(uid: uid) }

    public static func userName(uid: UInt32) -> String {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        if getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, let result, let name = result.pointee.pw_name {
            return String(cString: name)
        }
        return "uid \(uid)"
    }
}

/// Who asked for a change: a local user over the socket, or the daemon itself (auto-revert, reload).
public struct Caller: Sendable, Hashable {
    public var name: String
    public var uid: UInt32?

    public init(name: String, uid: UInt32? = nil) {
        self.name = name
        self.uid = uid
    }

    public static let daemon = Caller(name: "mailgate")
    public static let file = Caller(name: "file")
}
