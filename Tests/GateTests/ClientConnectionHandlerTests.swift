import AccessPolicy
import NIOCore
import NIOEmbedded
import NetAddress
import ProxyProtocol
import Testing
@testable import Gate

/// The NIO drivers on embedded channels: what reaches each socket, in which order, and when,
/// with time advanced by hand instead of slept.
@Suite struct ClientConnectionHandlerTests {
    private func header(in bytes: [UInt8]) throws -> (ProxyHeader, consumed: Int) {
        guard case .decoded(let header, let consumed) = ProxyHeaderDecoder.decode(bytes) else {
            throw HeaderMissing()
        }
        return (header, consumed)
    }
    private struct HeaderMissing: Error {}

    @Test func directClientIsRelayedBothWaysBehindAHeaderNamingIt() throws {
        let gate = try EmbeddedConnection()
        try gate.accept(from: "127.0.0.3", port: 40001)
        #expect(gate.connector.requests.map(\.address) == [EmbeddedConnection.upstreamAddress])
        let upstream = try gate.connectUpstream()
        let (header, consumed) = try header(in: try gate.receivedByUpstream())
        #expect(consumed > 0)
        #expect(header.realClient == SocketEndpoint("127.0.0.3:40001"))
        #expect(header.originalDestination == SocketEndpoint("127.0.0.1:143"))

        try upstream.writeInbound(ByteBuffer(string: "* OK ready\r\n"))
        #expect(try gate.receivedByClient() == "* OK ready\r\n")
        try gate.send("a1 NOOP\r\n")
        #expect(try gate.receivedByUpstream() == Array("a1 NOOP\r\n".utf8))
        #expect(gate.directCount("127.0.0.3") == 1)

        try gate.client.close().wait()
        #expect(!upstream.isActive)  // the upstream goes with its client
        #expect(gate.events == ["accepted", "closed"])
        #expect(gate.state.journal.recent().last?.gate?.bytesFromClient == 9)
        #expect(gate.state.journal.recent().last?.gate?.bytesToClient == 12)
    }

    @Test func flaggedSourceHeaderInPiecesIsPassedOnForItsRealClient() throws {
        let gate = try EmbeddedConnection()
        try gate.accept(from: "127.0.0.2")
        try gate.send("PROXY TCP4 192.0.2.7 ")
        #expect(gate.connector.requests.isEmpty)  // nothing happens before the whole header
        try gate.send("192.0.2.1 50000 993\r\na1 LOGIN\r\n")
        try gate.connectUpstream()
        let received = try gate.receivedByUpstream()
        let (header, consumed) = try header(in: received)
        #expect(header.realClient == SocketEndpoint("192.0.2.7:50000"))
        #expect(header.originalDestination == SocketEndpoint("192.0.2.1:993"))
        #expect(Array(received[consumed...]) == Array("a1 LOGIN\r\n".utf8))  // the bytes after it follow
        #expect(gate.events == ["accepted", "proxied"])

        gate.loop.advanceTime(by: .seconds(10))  // the header timer was cancelled
        #expect(gate.client.isActive)
        #expect(try gate.receivedByClient() == "")
    }

    @Test func flaggedSourceWithoutHeaderIsToldWhyWhenTheTimerRunsOutThenClosed() throws {
        let gate = try EmbeddedConnection(headerTimeout: .seconds(3))
        try gate.accept(from: "127.0.0.2")
        try gate.send("PROXY TCP4 19")  // a start, and no more
        gate.loop.advanceTime(by: .milliseconds(2999))
        #expect(try gate.receivedByClient() == "")
        gate.loop.advanceTime(by: .milliseconds(1))
        #expect(try gate.receivedByClient()
            == "* BYE [UNAVAILABLE] 127.0.0.2 is configured as a PROXY-protocol load balancer, but sent no PROXY header within 3s\r\n")
        #expect(gate.clientLog.closes == [.output])  // half-closed, so the reply can be read
        #expect(gate.client.isActive)
        gate.loop.advanceTime(by: .seconds(2))
        #expect(!gate.client.isActive)
        #expect(gate.events == ["accepted", "rejected:proxy-header-missing", "closed"])
        #expect(gate.state.journal.recent()[1].gate?.entryID == "127.0.0.2")  // the entry that admitted it
        #expect(gate.connector.requests.isEmpty)
    }

    @Test func blacklistedRealClientIsRefusedByName() throws {
        let gate = try EmbeddedConnection()
        try gate.accept(from: "127.0.0.2")
        try gate.send("PROXY TCP4 127.0.0.66 127.0.0.1 50000 143\r\n")
        #expect(try gate.receivedByClient() == "* BYE [UNAVAILABLE] access from 127.0.0.66 is denied by policy\r\n")
        #expect(gate.connector.requests.isEmpty)
        #expect(gate.state.journal.recent().last?.gate?.realClient == IPAddress("127.0.0.66"))
    }

    @Test func directClientSendingOneByteAndHalfClosingWhileConnectingIsRelayedAndHalfClosed() throws {
        let gate = try EmbeddedConnection()
        try gate.accept(from: "127.0.0.3")
        try gate.send("Q")
        gate.halfClose()
        try gate.connectUpstream()
        let received = try gate.receivedByUpstream()
        let (_, consumed) = try header(in: received)
        #expect(Array(received[consumed...]) == Array("Q".utf8))
        #expect(gate.upstreamLog.closes == [.output])
        #expect(gate.directCount("127.0.0.3") == 1)
    }

    @Test func proxyHeaderFromADirectClientIsRefusedAndItsUpstreamClosed() throws {
        let gate = try EmbeddedConnection()
        try gate.accept(from: "127.0.0.3")
        let upstream = try gate.connectUpstream()
        _ = try gate.receivedByUpstream()
        try gate.send("PROXY TCP4 192.0.2.7 127.0.0.1 50000 143\r\n")
        #expect(try gate.receivedByClient()
            == "* BYE [UNAVAILABLE] PROXY protocol header refused: 127.0.0.3 is not configured as a trusted proxy\r\n")
        #expect(!upstream.isActive)
        #expect(try gate.receivedByUpstream() == [])  // not a byte of it went on
        try gate.client.close().wait()
        #expect(gate.directCount("127.0.0.3") == 0)
    }

    @Test func upstreamThatCannotBeReachedIsReportedToTheClient() throws {
        let gate = try EmbeddedConnection()
        try gate.accept(from: "127.0.0.3")
        try gate.failUpstream()
        #expect(try gate.receivedByClient() == "* BYE [UNAVAILABLE] mail service temporarily unavailable, please try again later\r\n")
        #expect(gate.events == ["accepted", "rejected:upstream-unavailable"])
        #expect(gate.state.upstreams.recent("127.0.0.1:1143", maxAge: .seconds(60))?.reachable == false)
    }

    @Test func upstreamConnectedAfterTheClientLeftIsClosed() throws {
        let gate = try EmbeddedConnection()
        try gate.accept(from: "127.0.0.3")
        try gate.client.close().wait()
        let upstream = try gate.connectUpstream()
        #expect(!upstream.isActive)
        gate.loop.run()
        #expect(gate.state.descriptors.inUse == 0)
    }

    @Test func fullUpstreamStopsClientReadsUntilItDrains() throws {
        let gate = try EmbeddedConnection()
        try gate.accept(from: "127.0.0.3")
        let upstream = try gate.connectUpstream()
        try gate.send("a1 NOOP\r\n")
        upstream.isWritable = false
        upstream.pipeline.fireChannelWritabilityChanged()
        let reads = gate.clientLog.reads
        gate.client.read()
        #expect(gate.clientLog.reads == reads)  // postponed
        upstream.isWritable = true
        upstream.pipeline.fireChannelWritabilityChanged()
        #expect(gate.clientLog.reads == reads + 1)
    }

    @Test func fullClientStopsUpstreamReadsUntilItDrains() throws {
        let gate = try EmbeddedConnection()
        try gate.accept(from: "127.0.0.3")
        let upstream = try gate.connectUpstream()
        gate.client.isWritable = false
        gate.client.pipeline.fireChannelWritabilityChanged()
        let reads = gate.upstreamLog.reads
        upstream.read()
        #expect(gate.upstreamLog.reads == reads)
        gate.client.isWritable = true
        gate.client.pipeline.fireChannelWritabilityChanged()
        #expect(gate.upstreamLog.reads == reads + 1)
    }

    @Test func halfClosesArePassedBothWays() throws {
        let gate = try EmbeddedConnection()
        try gate.accept(from: "127.0.0.3")
        let upstream = try gate.connectUpstream()
        try gate.send("a1 LOGOUT\r\n")
        gate.halfClose()
        #expect(gate.upstreamLog.closes == [.output])
        upstream.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(gate.clientLog.closes == [.output])
        try upstream.close().wait()
        #expect(gate.clientLog.closes == [.output, .all])
        #expect(!gate.client.isActive)
    }

    @Test func quietConnectionIsClosedByTheIdleSweepAndATalkingOneIsNot() throws {
        let gate = try EmbeddedConnection(idleTimeout: .milliseconds(400))
        try gate.accept(from: "127.0.0.3")
        let upstream = try gate.connectUpstream()
        for _ in 0..<4 {
            gate.loop.advanceTime(by: .milliseconds(300))
            try gate.send("a NOOP\r\n")
        }
        #expect(gate.client.isActive)
        gate.loop.advanceTime(by: .milliseconds(300))
        #expect(gate.client.isActive)
        gate.loop.advanceTime(by: .milliseconds(200))
        #expect(!gate.client.isActive)
        #expect(!upstream.isActive)
    }

    @Test func shutdownClosesARelayedConnection() throws {
        let gate = try EmbeddedConnection()
        try gate.accept(from: "127.0.0.3")
        let upstream = try gate.connectUpstream()
        gate.client.pipeline.fireUserInboundEventTriggered(GateShutdown())
        #expect(!gate.client.isActive)
        #expect(!upstream.isActive)
        #expect(try gate.receivedByClient() == "")
    }

    @Test func shutdownTellsAClientStillBeingSetUpWhy() throws {
        let gate = try EmbeddedConnection()
        try gate.accept(from: "127.0.0.2")
        gate.client.pipeline.fireUserInboundEventTriggered(GateShutdown())
        #expect(try gate.receivedByClient() == "* BYE [UNAVAILABLE] server shutting down, try again later\r\n")
        // Asked again (the last of the grace period) during its linger: closed, not refused twice.
        gate.client.pipeline.fireUserInboundEventTriggered(GateShutdown())
        #expect(gate.events == ["accepted", "rejected:shutting-down", "closed"])
    }

    @Test func bytesAfterARefusalAreDropped() throws {
        let gate = try EmbeddedConnection()
        try gate.accept(from: "127.0.0.66")
        #expect(try gate.receivedByClient() == "* BYE [UNAVAILABLE] access from 127.0.0.66 is denied by policy\r\n")
        try gate.send("a1 LOGIN x y\r\n")
        #expect(gate.connector.requests.isEmpty)
        #expect(try gate.receivedByClient() == "")
        #expect(gate.events == ["rejected:blacklisted"])
    }
}
