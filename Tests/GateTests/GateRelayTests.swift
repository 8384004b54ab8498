import AccessPolicy
import NetAddress
import ProxyProtocol
import Testing
import TestSupport
@testable import Gate

@Suite struct GateRelayTests {
    @Test func directClientIsRelayedAtOnceAndUpstreamLearnsItsAddress() async throws {
        try await withGate { fixture in
            let client = try await fixture.connect(from: "127.0.0.3")
            try await client.waitFor("* OK mailgate demo upstream ready")
            try await client.send("a1 NOOP\r\n")
            try await client.waitFor("a1 OK noop done")
            #expect(fixture.upstream.realClients.first??.address == IPAddress("127.0.0.3"))
            await client.close()
        }
    }

    @Test func flaggedSourceIsRelayedAfterItsHeaderWithTheRealClient() async throws {
        try await withGate { fixture in
            let client = try await fixture.connect(from: "127.0.0.2")
            // Header and the client's first command in one write: the command must not be lost.
            try await client.send("PROXY TCP4 192.0.2.33 127.0.0.1 40000 143\r\na1 NOOP\r\n")
            try await client.waitFor("a1 OK noop done")
            #expect(fixture.upstream.realClients.first??.address == IPAddress("192.0.2.33"))
            #expect(fixture.upstream.realClients.first??.port == 40000)
            await client.close()
        }
    }

    @Test func headerArrivingOneByteAtATimeIsAccepted() async throws {
        try await withGate { fixture in
            let client = try await fixture.connect(from: "127.0.0.2")
            let header = ProxyHeader(version: .v2, command: .proxy, transport: .stream,
                                     addresses: .inet(source: SocketEndpoint("198.51.100.20:5555")!,
                                                      destination: SocketEndpoint("127.0.0.1:143")!), tlvs: [])
            try await client.sendOneByteAtATime(header.encoded())
            try await client.waitFor("* OK")
            #expect(fixture.upstream.realClients.first??.address == IPAddress("198.51.100.20"))
            await client.close()
        }
    }

    @Test func localCommandMeansTheProxySpeaksForItself() async throws {
        try await withGate { fixture in
            let client = try await fixture.connect(from: "127.0.0.2")
            try await client.send(ProxyHeader(version: .v2, command: .local, transport: .unspecified,
                                              addresses: .unspecified, tlvs: []).encoded())
            try await client.waitFor("* OK")
            #expect(fixture.upstream.realClients.first??.address == IPAddress("127.0.0.2"))
            await client.close()
        }
    }

    @Test func clientHalfCloseIsPassedOnAndTheReplyStillArrives() async throws {
        try await withGate { fixture in
            let client = try await fixture.connect(from: "127.0.0.3")
            try await client.waitFor("* OK")
            try await client.send("a1 LOGOUT\r\n")
            try await client.closeOutput()
            try await client.waitFor("a1 OK done")
            try await client.waitForClose()
        }
    }

    @Test func openConnectionsAreRegisteredWithTheirStateAndRemovedOnClose() async throws {
        try await withGate { fixture in
            let direct = try await fixture.connect(from: "127.0.0.3")
            let proxy = try await fixture.connect(from: "127.0.0.2")
            try await direct.waitFor("* OK")
            try await eventually("two registered connections") { fixture.gate.state.registry.count == 2 }
            let states = fixture.gate.state.registry.snapshot().map(\.state)
            #expect(Set(states) == [.relayingDirect, .awaitingHeader])
            await direct.close()
            await proxy.close()
            try await eventually("an empty registry") { fixture.gate.state.registry.count == 0 }
            #expect(fixture.gate.state.journal.recent().compactMap(\.gate).filter { $0.kind == .closed }.count == 2)
        }
    }

    @Test func reloadedPolicyAppliesToNewConnectionsAndKeepsOpenOnes() async throws {
        try await withGate { fixture in
            let open = try await fixture.connect(from: "127.0.0.9")
            try await open.waitFor("* OK")
            let stricter = AccessPolicy(lists: AccessLists(blacklist: [entry("127.0.0.9")]), services: ["imap"])
            fixture.gate.state.replacePolicy(stricter)
            let refused = try await fixture.connect(from: "127.0.0.9")
            try await refused.waitFor("* BYE [UNAVAILABLE]")
            try await open.send("a1 NOOP\r\n")
            try await open.waitFor("a1 OK")
            await open.close()
        }
    }
}
