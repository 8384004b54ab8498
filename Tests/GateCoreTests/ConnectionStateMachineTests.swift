import AccessPolicy
import NetAddress
import ProxyProtocol
import Testing
@testable import GateCore

/// Whole conversations with the state machine, in the orders that are easy to get wrong.
@Suite struct ConnectionStateMachineTests {
    private func flagged() -> ConnectionStateMachine { Start.awaitingHeader.machine }

    // MARK: Accept

    @Test func flaggedSourceWaitsForItsHeader() {
        var machine = ConnectionStateMachine()
        let action = machine.accept(peer: Fixture.balancer, local: Fixture.local,
                                    decision: .requireProxyHeader(timeout: .seconds(3), Fixture.flagged))
        #expect(action == .awaitHeader(timeout: .seconds(3)))
        #expect(machine.peer == Fixture.balancer)
        #expect(machine.realClient == nil)
    }

    @Test func blacklistedSourceIsRefusedByItsEntryAtAccept() {
        var machine = ConnectionStateMachine()
        let action = machine.accept(peer: Fixture.directPeer, local: Fixture.local, decision: .reject(.blacklisted, Fixture.banned))
        #expect(action == .reject(Rejection(reason: .blacklisted, peer: Fixture.directPeer, entry: Fixture.banned), []))
    }

    @Test func refusalAtAcceptNamesItsEntryAndDetail() {
        var machine = ConnectionStateMachine()
        let action = machine.accept(peer: Fixture.directPeer, local: Fixture.local,
                                    decision: .reject(.connectionLimit, nil), detail: "global limit")
        #expect(action == .reject(Rejection(reason: .connectionLimit, peer: Fixture.directPeer, detail: "global limit"), []))
        #expect(machine.clientRead(byteCount: 10) == .discard)  // bytes after a refusal are dropped
        #expect(machine.clientReadRequested(upstreamWritable: false) == .read)  // and read, to see the close
        #expect(machine.clientClosed() == [])  // a refused client is not counted as direct
    }

    // MARK: The PROXY header

    @Test func headerInPiecesIsTakenWithTheClientBytesThatFollowIt() {
        var machine = flagged()
        let bytes = Fixture.header + Fixture.clientCommand
        var held: [UInt8] = []
        var last = ConnectionStateMachine.Action.none
        for chunk in [bytes[0..<5], bytes[5..<20], bytes[20...]] {
            #expect(machine.clientRead(byteCount: chunk.count) == .holdThenDecodeHeader)
            held += chunk
            last = machine.decodeHeader(held: held, realClients: Refusing.nobody)
            if chunk.startIndex < 20 { #expect(last == .none) }
        }
        let route = UpstreamRoute(client: Fixture.realClient, destination: Fixture.originalDestination)
        #expect(last == .connectProxied(route, headerLength: Fixture.header.count))
        // The client's own bytes stay held until the upstream is there, then go first.
        #expect(machine.upstreamConnected() == .startRelaying([.writeHeldUpstream, .flushUpstream]))
    }

    @Test func localHeaderLetsTheBalancerSpeakForItself() {
        var machine = flagged()
        let local = ProxyHeader(version: .v2, command: .local, transport: .unspecified, addresses: .unspecified,
                                tlvs: []).encoded()
        _ = machine.clientRead(byteCount: local.count)
        let action = machine.decodeHeader(held: local, realClients: Refusing.nobody)
        #expect(action == .connectProxied(UpstreamRoute(client: Fixture.balancer, destination: Fixture.local),
                                          headerLength: local.count))
        #expect(machine.realClient == Fixture.balancer)
    }

    @Test func blacklistedRealClientIsRefusedByItsOwnEntry() {
        var machine = flagged()
        _ = machine.clientRead(byteCount: Fixture.header.count)
        let policy = Refusing(refused: [Fixture.realClient.address: Fixture.banned])
        let action = machine.decodeHeader(held: Fixture.header, realClients: policy)
        let rejection = Rejection(reason: .blacklisted, peer: Fixture.balancer, realClient: Fixture.realClient,
                                  entry: Fixture.banned)
        #expect(action == .reject(rejection, .cancelHeaderTimer))
        #expect(rejection.client == Fixture.realClient.address)  // the reply speaks of the real client
        #expect(machine.headerTimerFired(held: Fixture.header) == .none)
    }

    @Test func malformedHeaderIsRefusedAsInvalidAtOnce() {
        var machine = flagged()
        let garbage = Array("PROXY TCP9 nonsense\r\n".utf8)
        _ = machine.clientRead(byteCount: garbage.count)
        guard case .reject(let rejection, let teardown) = machine.decodeHeader(held: garbage, realClients: Refusing.nobody) else {
            Issue.record("a malformed header is refused")
            return
        }
        #expect(rejection.reason == .proxyHeaderInvalid)
        #expect(rejection.detail != nil)
        #expect(teardown == .cancelHeaderTimer)
    }

    /// Decodes `v2Start`, then holds `v2BadTLV` without the decoder looking again.
    private func flaggedHoldingABadTLV() -> (ConnectionStateMachine, [UInt8]) {
        var machine = flagged()
        _ = machine.clientRead(byteCount: Fixture.v2Start.count)
        #expect(machine.decodeHeader(held: Fixture.v2Start, realClients: Refusing.nobody) == .none)
        let held = Fixture.v2Start + Fixture.v2BadTLV
        _ = machine.clientRead(byteCount: Fixture.v2BadTLV.count)
        #expect(machine.decodeHeader(held: held, realClients: Refusing.nobody) == .none)
        return (machine, held)
    }

    @Test func timerSettlesWhatArrivedAsInvalidRatherThanMissing() {
        var (machine, held) = flaggedHoldingABadTLV()
        guard case .reject(let rejection, []) = machine.headerTimerFired(held: held) else {
            Issue.record("the timer refuses")
            return
        }
        #expect(rejection.reason == .proxyHeaderInvalid)
        #expect(rejection.detail != nil)
    }

    @Test func timerWithAValidPartialHeaderSaysItIsMissing() {
        var machine = flagged()
        let partial = Array(Fixture.header.prefix(10))
        _ = machine.clientRead(byteCount: partial.count)
        _ = machine.decodeHeader(held: partial, realClients: Refusing.nobody)
        #expect(machine.headerTimerFired(held: partial)
            == .reject(Rejection(reason: .proxyHeaderMissing, peer: Fixture.balancer), []))
    }

    @Test func timerAfterTheHeaderChangesNothing() {
        var machine = Start.connectingProxied.machine
        #expect(machine.headerTimerFired(held: [UInt8]()) == .none)
        #expect(machine.upstreamConnected() == .startRelaying(.flushUpstream))
    }

    @Test func halfCloseDuringTheHeaderWaitWithAPartialHeaderJustCloses() {
        var machine = flagged()
        let partial = Array(Fixture.header.prefix(10))
        _ = machine.clientRead(byteCount: partial.count)
        #expect(machine.decodeHeader(held: partial, realClients: Refusing.nobody) == .none)
        #expect(machine.clientInputClosed(held: partial) == .close(.cancelHeaderTimer))
    }

    @Test func halfCloseDuringTheHeaderWaitWithABadTLVIsRefusedAsInvalid() {
        var (machine, held) = flaggedHoldingABadTLV()
        guard case .reject(let rejection, .cancelHeaderTimer) = machine.clientInputClosed(held: held) else {
            Issue.record("refused as invalid")
            return
        }
        #expect(rejection.reason == .proxyHeaderInvalid)
    }

    // MARK: Direct clients and the signature check

    @Test func directClientSendingOneByteAndHalfClosingWhileConnectingIsRelayedAndHalfClosed() {
        var machine = Start.connectingSniffing.machine
        #expect(machine.clientRead(byteCount: 1) == .holdThenCheckSignature)
        #expect(machine.checkSignature(held: Array("P".utf8)) == .none)  // could still be "PROXY "
        #expect(machine.clientInputClosed(held: Array("P".utf8)) == .relay(.countDirect))
        #expect(machine.upstreamConnected() == .startRelaying([.writeHeldUpstream, .flushUpstream, .halfCloseUpstream]))
        #expect(machine.clientClosed() == .closeUpstream)  // counted once, at the half-close
    }

    @Test func directClientSendingOneByteAndHalfClosingWhileRelayingIsRelayedAndHalfClosed() {
        var machine = Start.relayingSniffing.machine
        _ = machine.clientRead(byteCount: 1)
        #expect(machine.checkSignature(held: Array("P".utf8)) == .none)
        #expect(machine.clientInputClosed(held: Array("P".utf8)) == .relay([.countDirect, .writeHeldUpstream, .halfCloseUpstream]))
        #expect(machine.clientRead(byteCount: 3) == .forward)
    }

    @Test func directClientSendingAV2SignatureWhileRelayingIsRefusedAndItsUpstreamClosed() {
        var machine = Start.relayingSniffing.machine
        #expect(machine.clientRead(byteCount: 6) == .holdThenCheckSignature)
        #expect(machine.checkSignature(held: Array(ProxySignature.v2.prefix(6))) == .none)
        #expect(machine.clientRead(byteCount: 6) == .holdThenCheckSignature)
        let action = machine.checkSignature(held: ProxySignature.v2)
        #expect(action == .reject(Rejection(reason: .proxyHeaderFromUntrustedSource, peer: Fixture.directPeer), .closeUpstream))
        #expect(machine.upstreamClosed() == .none)  // the close it asked for comes back quietly
        #expect(machine.clientRead(byteCount: 100) == .discard)
    }

    @Test func signatureDecidedWhileConnectingLetsTheHeldBytesGoFirst() {
        var machine = Start.connectingSniffing.machine
        _ = machine.clientRead(byteCount: Fixture.clientCommand.count)
        #expect(machine.checkSignature(held: Fixture.clientCommand) == .relay(.countDirect))
        #expect(machine.clientRead(byteCount: 4) == .hold)  // no more checking
        #expect(machine.upstreamConnected() == .startRelaying([.writeHeldUpstream, .flushUpstream]))
        #expect(machine.clientRead(byteCount: 4) == .forward)
    }

    // MARK: The upstream

    @Test func upstreamFailureAfterTheClientLeftIsQuiet() {
        var machine = Start.connectingSniffing.machine
        #expect(machine.clientClosed() == .countDirect)
        #expect(machine.upstreamConnectFailed(detail: "refused") == .none)
    }

    @Test func upstreamConnectingAfterTheClientLeftIsClosed() {
        var machine = Start.connectingProxied.machine
        #expect(machine.clientClosed() == [])
        #expect(machine.upstreamConnected() == .closeUpstream)
    }

    @Test func upstreamConnectingAfterARefusalIsClosed() {
        var machine = Start.connectingSniffing.machine
        _ = machine.clientRead(byteCount: 6)
        _ = machine.checkSignature(held: Array("PROXY ".utf8))
        #expect(machine.upstreamConnected() == .closeUpstream)
    }

    @Test func upstreamFailureRefusesADirectClientThatIsCountedWhenItCloses() {
        var machine = Start.connectingSniffing.machine
        #expect(machine.upstreamConnectFailed(detail: "refused")
            == .reject(Rejection(reason: .upstreamUnavailable, peer: Fixture.directPeer, detail: "refused"), []))
        #expect(machine.clientClosed() == .countDirect)
    }

    @Test func upstreamHalfCloseThenCloseClosesTheClientAfterItsWrites() {
        var machine = Start.relayingProxied.machine
        #expect(machine.upstreamInputClosed() == .halfCloseClient)
        #expect(machine.upstreamRead() == .forwardToClient)  // still relaying what it sent before
        #expect(machine.upstreamClosed() == .closeClientAfterWrites)
        #expect(machine.upstreamRead() == .discard)
        #expect(machine.clientClosed() == [])  // its upstream is gone already
    }

    // MARK: Backpressure

    @Test func heldBytesPastTheirLimitStopTheClientUntilTheUpstreamIsThere() {
        var machine = Start.connectingProxied.machine
        #expect(machine.clientRead(byteCount: ConnectionStateMachine.heldLimit) == .hold)
        #expect(machine.clientReadRequested(upstreamWritable: true) == .postpone)
        #expect(machine.upstreamConnected() == .startRelaying([.writeHeldUpstream, .flushUpstream, .readClient]))
        #expect(machine.clientReadRequested(upstreamWritable: true) == .read)
    }

    @Test func headerWaitPastTheHeldLimitStopsReading() {
        var machine = flagged()
        _ = machine.clientRead(byteCount: ConnectionStateMachine.heldLimit)
        #expect(machine.clientReadRequested(upstreamWritable: true) == .postpone)
    }

    @Test func relayWaitsForTheSlowerSideBothWays() {
        var machine = Start.relayingDirect.machine
        #expect(machine.clientReadRequested(upstreamWritable: false) == .postpone)
        #expect(machine.upstreamReadRequested(clientWritable: false) == .postpone)
        #expect(machine.clientBecameWritable() == .readUpstream)
        #expect(machine.upstreamBecameWritable() == .readClient)
        #expect(machine.clientBecameWritable() == .none)
        #expect(machine.upstreamBecameWritable() == .none)
    }

    // MARK: Endings

    @Test func shutdownAfterAHeaderNamesTheRealClient() {
        var machine = Start.connectingProxied.machine
        guard case .reject(let rejection, []) = machine.shutdown() else {
            Issue.record("refused")
            return
        }
        #expect(rejection.reason == .shuttingDown)
        #expect(rejection.client == Fixture.realClient.address)
    }

    @Test func idleTimeoutDuringARefusalsLingerCutsItShort() {
        var machine = flagged()
        _ = machine.headerTimerFired(held: [UInt8]())
        #expect(machine.idleTimedOut() == .close([]))
        #expect(machine.clientClosed() == [])
    }
}
