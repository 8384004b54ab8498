import AccessPolicy
import NetAddress
import Testing
@testable import GateCore

@Suite struct ConnectionStateMachineTests {
    @Test func directClientConnectsTheUpstreamAtAccept() {
        var machine = ConnectionStateMachine()
        let peer = SocketEndpoint(address: .v4(0x7F00_0003), port: 40000)
        let local = SocketEndpoint(address: .v4(0x7F00_0001), port: 143)
        #expect(machine.accept(peer: peer, local: local, decision: .direct(nil))
            == .connectDirect(UpstreamRoute(client: peer, destination: local)))
    }
}
