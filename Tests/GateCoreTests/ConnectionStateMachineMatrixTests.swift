import AccessPolicy
import NetAddress
import Testing
@testable import GateCore

/// Every event in every state: what the machine asks for, and where it goes. Each test is
/// one event; its switch names every state, so a new state does not compile untested.
@Suite struct ConnectionStateMachineMatrixTests {
    typealias Action = ConnectionStateMachine.Action

    private func rejection(_ reason: RejectReason, _ start: Start, detail: String? = nil) -> Rejection {
        switch start {
        case .awaitingHeader, .finished:
            Rejection(reason: reason, peer: Fixture.balancer, detail: detail)
        case .connectingProxied, .relayingProxied:
            Rejection(reason: reason, peer: Fixture.balancer, realClient: Fixture.realClient, detail: detail)
        default:
            Rejection(reason: reason, peer: Fixture.directPeer, detail: detail)
        }
    }

    @Test(arguments: Start.allCases) func accept(_ start: Start) {
        var machine = start.machine
        let action = machine.accept(peer: Fixture.directPeer, local: Fixture.local, decision: .direct(nil))
        switch start {
        case .idle:
            #expect(action == .connectDirect(UpstreamRoute(client: Fixture.directPeer, destination: Fixture.local)))
            #expect(machine.phase == "connecting")
        case .awaitingHeader, .connectingSniffing, .connectingDirect, .connectingProxied, .relayingSniffing,
             .relayingDirect, .relayingProxied, .finished, .finishedOwingCount, .closed:
            #expect(action == .none)  // accepted once only
            #expect(machine.phase == start.machine.phase)
        }
    }

    @Test(arguments: Start.allCases) func clientRead(_ start: Start) {
        var machine = start.machine
        let action = machine.clientRead(byteCount: 4)
        let expected: ConnectionStateMachine.ClientBytesAction = switch start {
        case .idle, .finished, .finishedOwingCount, .closed: .discard
        case .awaitingHeader: .holdThenDecodeHeader
        case .connectingSniffing, .relayingSniffing: .holdThenCheckSignature
        case .connectingDirect, .connectingProxied: .hold
        case .relayingDirect, .relayingProxied: .forward
        }
        #expect(action == expected)
        #expect(machine.phase == start.machine.phase)
    }

    @Test(arguments: Start.allCases) func decodeHeader(_ start: Start) {
        var machine = start.machine
        let action = machine.decodeHeader(held: Fixture.header, realClients: Refusing.nobody)
        switch start {
        case .awaitingHeader:
            let route = UpstreamRoute(client: Fixture.realClient, destination: Fixture.originalDestination)
            #expect(action == .connectProxied(route, headerLength: Fixture.header.count))
            #expect(machine.phase == "connecting")
            #expect(machine.realClient == Fixture.realClient)
        case .idle, .connectingSniffing, .connectingDirect, .connectingProxied, .relayingSniffing, .relayingDirect,
             .relayingProxied, .finished, .finishedOwingCount, .closed:
            #expect(action == .none)
            #expect(machine.phase == start.machine.phase)
        }
    }

    @Test(arguments: Start.allCases) func checkSignatureOfAProxyHeader(_ start: Start) {
        var machine = start.machine
        let action = machine.checkSignature(held: Array("PROXY ".utf8))
        switch start {
        case .connectingSniffing:
            #expect(action == .reject(rejection(.proxyHeaderFromUntrustedSource, start), []))
            #expect(machine.phase == "finished")
            #expect(machine.clientClosed() == [])  // refused, so not counted as direct
        case .relayingSniffing:
            #expect(action == .reject(rejection(.proxyHeaderFromUntrustedSource, start), .closeUpstream))
            #expect(machine.phase == "finished")
            #expect(machine.clientClosed() == [])
        case .idle, .awaitingHeader, .connectingDirect, .connectingProxied, .relayingDirect, .relayingProxied,
             .finished, .finishedOwingCount, .closed:
            #expect(action == .none)
            #expect(machine.phase == start.machine.phase)
        }
    }

    @Test(arguments: Start.allCases) func checkSignatureOfClientBytes(_ start: Start) {
        var machine = start.machine
        let action = machine.checkSignature(held: Fixture.clientCommand)
        switch start {
        case .connectingSniffing:
            #expect(action == .relay(.countDirect))
        case .relayingSniffing:
            #expect(action == .relay([.countDirect, .writeHeldUpstream]))
        case .idle, .awaitingHeader, .connectingDirect, .connectingProxied, .relayingDirect, .relayingProxied,
             .finished, .finishedOwingCount, .closed:
            #expect(action == .none)
        }
        #expect(machine.phase == start.machine.phase)
    }

    @Test(arguments: Start.allCases) func clientReadComplete(_ start: Start) {
        let action = start.machine.clientReadComplete()
        switch start {
        case .relayingSniffing, .relayingDirect, .relayingProxied:
            #expect(action == .flushUpstream)
        case .idle, .awaitingHeader, .connectingSniffing, .connectingDirect, .connectingProxied, .finished,
             .finishedOwingCount, .closed:
            #expect(action == .none)
        }
    }

    @Test(arguments: Start.allCases) func clientReadRequestedWhileTheUpstreamIsFull(_ start: Start) {
        var machine = start.machine
        let decision = machine.clientReadRequested(upstreamWritable: false)
        switch start {
        case .relayingDirect, .relayingProxied:
            #expect(decision == .postpone)
            #expect(machine.upstreamBecameWritable() == .readClient)
            #expect(machine.upstreamBecameWritable() == .none)  // once
        case .idle, .awaitingHeader, .connectingSniffing, .connectingDirect, .connectingProxied, .relayingSniffing,
             .finished, .finishedOwingCount, .closed:
            // Not relaying yet (the held bytes are far below their limit), or draining.
            #expect(decision == .read)
            #expect(machine.upstreamBecameWritable() == .none)
        }
    }

    @Test(arguments: Start.allCases) func clientReadRequestedWhileTheUpstreamTakesMore(_ start: Start) {
        var machine = start.machine
        #expect(machine.clientReadRequested(upstreamWritable: true) == .read)
    }

    @Test(arguments: Start.allCases) func clientInputClosed(_ start: Start) {
        var machine = start.machine
        let action = machine.clientInputClosed(held: [UInt8]())
        switch start {
        case .awaitingHeader:
            #expect(action == .close(.cancelHeaderTimer))
            #expect(machine.phase == "finished")
        case .connectingSniffing:
            #expect(action == .relay(.countDirect))
            #expect(machine.upstreamConnected() == .startRelaying([.flushUpstream, .halfCloseUpstream]))
        case .connectingDirect:
            #expect(action == .none)
            #expect(machine.upstreamConnected() == .startRelaying([.writeHeldUpstream, .flushUpstream, .halfCloseUpstream]))
        case .connectingProxied:
            #expect(action == .none)
            #expect(machine.upstreamConnected() == .startRelaying([.flushUpstream, .halfCloseUpstream]))
        case .relayingSniffing:
            #expect(action == .relay([.countDirect, .halfCloseUpstream]))
            #expect(machine.clientClosed() == .closeUpstream)  // counted once
        case .relayingDirect, .relayingProxied:
            #expect(action == .relay(.halfCloseUpstream))
            #expect(machine.phase == "relaying")
        case .idle, .finished, .finishedOwingCount, .closed:
            #expect(action == .none)
            #expect(machine.phase == start.machine.phase)
        }
    }

    @Test(arguments: Start.allCases) func clientBecameWritableWithNoUpstreamReadWaiting(_ start: Start) {
        var machine = start.machine
        #expect(machine.clientBecameWritable() == .none)
    }

    @Test(arguments: Start.allCases) func clientClosed(_ start: Start) {
        var machine = start.machine
        let teardown = machine.clientClosed()
        let expected: Teardown = switch start {
        case .idle, .connectingDirect, .connectingProxied, .finished, .closed: []
        case .awaitingHeader: .cancelHeaderTimer
        case .connectingSniffing, .finishedOwingCount: .countDirect
        case .relayingSniffing: [.closeUpstream, .countDirect]
        case .relayingDirect, .relayingProxied: .closeUpstream
        }
        #expect(teardown == expected)
        #expect(machine.phase == "closed")
        #expect(machine.clientClosed() == [])  // nothing is undone twice
    }

    @Test(arguments: Start.allCases) func headerTimerFired(_ start: Start) {
        var machine = start.machine
        let action = machine.headerTimerFired(held: [UInt8]())
        switch start {
        case .awaitingHeader:
            #expect(action == .reject(rejection(.proxyHeaderMissing, start), []))
            #expect(machine.phase == "finished")
        case .idle, .connectingSniffing, .connectingDirect, .connectingProxied, .relayingSniffing, .relayingDirect,
             .relayingProxied, .finished, .finishedOwingCount, .closed:
            #expect(action == .none)  // a timer that fires late changes nothing
            #expect(machine.phase == start.machine.phase)
        }
    }

    @Test(arguments: Start.allCases) func idleTimedOut(_ start: Start) {
        var machine = start.machine
        let action = machine.idleTimedOut()
        expectClose(action, machine, from: start)
        var failing = start.machine
        expectClose(failing.errorCaught(), failing, from: start)
    }

    private func expectClose(_ action: Action, _ machine: ConnectionStateMachine, from start: Start) {
        switch start {
        case .idle, .connectingSniffing, .connectingDirect, .connectingProxied, .finished, .finishedOwingCount:
            #expect(action == .close([]))
        case .awaitingHeader:
            #expect(action == .close(.cancelHeaderTimer))
        case .relayingSniffing, .relayingDirect, .relayingProxied:
            #expect(action == .close(.closeUpstream))
        case .closed:
            #expect(action == .none)
        }
        #expect(machine.phase == (start == .closed ? "closed" : "finished"))
    }

    @Test(arguments: Start.allCases) func shutdown(_ start: Start) {
        var machine = start.machine
        let action = machine.shutdown()
        switch start {
        case .awaitingHeader:
            #expect(action == .reject(rejection(.shuttingDown, start), .cancelHeaderTimer))
        case .connectingSniffing, .connectingDirect, .connectingProxied:
            #expect(action == .reject(rejection(.shuttingDown, start), []))
        case .relayingSniffing, .relayingDirect, .relayingProxied:
            #expect(action == .close(.closeUpstream))
        case .idle, .finished, .finishedOwingCount:
            #expect(action == .close([]))  // a refused client's linger is cut short, not refused twice
        case .closed:
            #expect(action == .none)
        }
        #expect(machine.phase == (start == .closed ? "closed" : "finished"))
    }

    @Test(arguments: Start.allCases) func upstreamConnected(_ start: Start) {
        var machine = start.machine
        let action = machine.upstreamConnected()
        switch start {
        case .connectingSniffing, .connectingProxied:
            #expect(action == .startRelaying(.flushUpstream))
            #expect(machine.phase == "relaying")
        case .connectingDirect:
            #expect(action == .startRelaying([.writeHeldUpstream, .flushUpstream]))
            #expect(machine.phase == "relaying")
        case .idle, .awaitingHeader, .relayingSniffing, .relayingDirect, .relayingProxied, .finished,
             .finishedOwingCount, .closed:
            #expect(action == .closeUpstream)  // nobody asked for it, or nobody wants it now
            #expect(machine.phase == start.machine.phase)
        }
    }

    @Test(arguments: Start.allCases) func upstreamConnectFailed(_ start: Start) {
        var machine = start.machine
        let action = machine.upstreamConnectFailed(detail: "connection refused")
        switch start {
        case .connectingSniffing, .connectingDirect, .connectingProxied:
            #expect(action == .reject(rejection(.upstreamUnavailable, start, detail: "connection refused"), []))
            #expect(machine.phase == "finished")
        case .idle, .awaitingHeader, .relayingSniffing, .relayingDirect, .relayingProxied, .finished,
             .finishedOwingCount, .closed:
            #expect(action == .none)
            #expect(machine.phase == start.machine.phase)
        }
    }

    @Test(arguments: Start.allCases) func upstreamBytes(_ start: Start) {
        let machine = start.machine
        switch start {
        case .relayingSniffing, .relayingDirect, .relayingProxied:
            #expect(machine.upstreamRead() == .forwardToClient)
            #expect(machine.upstreamReadComplete() == .flushClient)
        case .idle, .awaitingHeader, .connectingSniffing, .connectingDirect, .connectingProxied, .finished,
             .finishedOwingCount, .closed:
            #expect(machine.upstreamRead() == .discard)
            #expect(machine.upstreamReadComplete() == .none)
        }
    }

    @Test(arguments: Start.allCases) func upstreamReadRequestedWhileTheClientIsFull(_ start: Start) {
        var machine = start.machine
        let decision = machine.upstreamReadRequested(clientWritable: false)
        switch start {
        case .relayingSniffing, .relayingDirect, .relayingProxied:
            #expect(decision == .postpone)
            #expect(machine.clientBecameWritable() == .readUpstream)
            #expect(machine.clientBecameWritable() == .none)
        case .idle, .awaitingHeader, .connectingSniffing, .connectingDirect, .connectingProxied, .finished,
             .finishedOwingCount, .closed:
            #expect(decision == .read)  // an upstream nobody relays for reads until it is closed
        }
        var other = start.machine
        #expect(other.upstreamReadRequested(clientWritable: true) == .read)
    }

    @Test(arguments: Start.allCases) func upstreamBecameWritableWithNoClientReadWaiting(_ start: Start) {
        var machine = start.machine
        #expect(machine.upstreamBecameWritable() == .none)
    }

    @Test(arguments: Start.allCases) func upstreamInputClosed(_ start: Start) {
        let action = start.machine.upstreamInputClosed()
        switch start {
        case .relayingSniffing, .relayingDirect, .relayingProxied:
            #expect(action == .halfCloseClient)
        case .idle, .awaitingHeader, .connectingSniffing, .connectingDirect, .connectingProxied, .finished,
             .finishedOwingCount, .closed:
            #expect(action == .none)
        }
    }

    @Test(arguments: Start.allCases) func upstreamClosed(_ start: Start) {
        var machine = start.machine
        let action = machine.upstreamClosed()
        switch start {
        case .relayingSniffing:
            #expect(action == .closeClientAfterWrites)
            #expect(machine.clientClosed() == .countDirect)  // still an ordinary direct connection
        case .relayingDirect, .relayingProxied:
            #expect(action == .closeClientAfterWrites)
            #expect(machine.clientClosed() == [])
        case .idle, .awaitingHeader, .connectingSniffing, .connectingDirect, .connectingProxied, .finished,
             .finishedOwingCount, .closed:
            #expect(action == .none)
            #expect(machine.phase == start.machine.phase)
        }
    }
}
