import AccessPolicy
import GateCore
import MailgateAPI
import NIOCore

/// Refuses a client connection: the log line and the event saying why, then one
/// protocol-correct line for the client (none on TLS ports), a half-close, and after a
/// moment to read it, the close.
enum ClientRefusal {
    /// `entry` is the one named (the refusal's, or the one the connection was admitted by);
    /// `limit` the one behind a `connectionLimit` refusal, which the reply speaks of.
    static func refuse(_ rejection: Rejection, entry: MatchedEntry?, connection: ConnectionID?,
                       limit: ConnectionLimit?, listener: ListenerContext, context: ChannelHandlerContext) {
        let state = listener.state
        let configuration = listener.configuration
        let peer = rejection.peer
        let client = rejection.client
        var line = "reject reason=\(rejection.reason.rawValue) service=\(configuration.service) listener=\(listener.endpoint) peer=\(peer)"
        if let realClient = rejection.realClient { line += " client=\(realClient)" }
        if let entry { line += " entry=\(entry.kind.rawValue):\(entry.entry.source)" }
        if let detail = rejection.detail { line += " detail=\"\(detail)\"" }
        state.logger.notice("\(line)")
        state.record(GateEvent(kind: .rejected, connection: connection, service: configuration.service,
                               listener: listener.endpoint, peer: peer.address,
                               realClient: client == peer.address ? nil : client,
                               entryID: entry?.entry.id, reason: rejection.reason, detail: rejection.detail))
        guard let reply = RejectReply.bytes(for: rejection.reason, protocol: configuration.replyProtocol, client: client,
                                            headerTimeout: configuration.proxyHeaderTimeout, limit: limit) else {
            context.close(promise: nil)
            return
        }
        // Say why, half-close, and give the client a moment to read it before the full close:
        // closing at once with unread input would send a reset that can destroy the reply.
        // Short of descriptors the moment is brief, and a flood of refusals does not get it
        // at all past a cap: the descriptors they hold come out of the reserve.
        let descriptors = state.descriptors
        let channel = context.channel  // strongly, for two seconds at most (see ClientConnectionHandler.admit)
        var linger = TimeAmount.seconds(2)
        if descriptors.isUnderPressure {
            guard descriptors.startBriefLinger() else {
                context.writeAndFlush(NIOAny(ByteBuffer(bytes: reply))).whenComplete { _ in channel.close(promise: nil) }
                return
            }
            linger = .milliseconds(200)
            channel.closeFuture.whenComplete { _ in descriptors.endBriefLinger() }
        }
        context.writeAndFlush(NIOAny(ByteBuffer(bytes: reply)), promise: nil)
        channel.closeAfterPendingWrites(mode: .output)
        context.eventLoop.assumeIsolated().scheduleTask(in: linger) {
            channel.close(promise: nil)
        }
    }
}
