import AccessPolicy
import Foundation
import NetAddress
import Testing
@testable import Gate

@Suite struct GateRejectTests {
    @Test func flaggedSourceWithoutHeaderIsToldWhyAfterTheTimeout() async throws {
        try await withGate(headerTimeout: .milliseconds(300)) { fixture in
            let started = ContinuousClock.now
            let client = try await fixture.connect(from: "127.0.0.2")
            try await client.waitFor("* BYE [UNAVAILABLE] 127.0.0.2 is configured as a PROXY-protocol load balancer")
            #expect(ContinuousClock.now - started >= .milliseconds(250))
            try await client.waitForClose()
            #expect(fixture.rejectReasons == [.proxyHeaderMissing])
            #expect(!client.text.contains("* OK"))
        }
    }

    @Test func proxyHeaderFromAnUnflaggedSourceIsNeverHonoured() async throws {
        try await withGate { fixture in
            let client = try await fixture.connect(from: "127.0.0.3")
            try await client.send("PROXY TCP4 10.9.9.9 127.0.0.1 1234 143\r\na1 NOOP\r\n")
            try await client.waitFor("* BYE [UNAVAILABLE] PROXY protocol header refused: 127.0.0.3 is not configured as a trusted proxy")
            try await client.waitForClose()
            #expect(fixture.rejectReasons == [.proxyHeaderFromUntrustedSource])
            #expect(!client.text.contains("a1 OK"))
            #expect(!fixture.upstream.realClients.contains { $0?.address == IPAddress("10.9.9.9") })
            let evidence = fixture.gate.state.windows.activity(
                source: IPAddress("127.0.0.3")!, services: ["imap"], windowSeconds: 60,
                now: Int64(Date().timeIntervalSince1970))
            #expect(evidence.untrustedHeaders == 1)
        }
    }

    @Test func malformedHeaderFromTheFlaggedSourceIsRefused() async throws {
        try await withGate { fixture in
            let client = try await fixture.connect(from: "127.0.0.2")
            try await client.send("PROXY TCP4 300.1.1.1 127.0.0.1 1 2\r\n")
            try await client.waitFor("* BYE [UNAVAILABLE] invalid PROXY protocol header from 127.0.0.2")
            try await client.waitForClose()
            #expect(fixture.rejectReasons == [.proxyHeaderInvalid])
        }
    }

    @Test func blacklistedRealClientBehindTheProxyIsRefused() async throws {
        try await withGate { fixture in
            let client = try await fixture.connect(from: "127.0.0.2")
            try await client.send("PROXY TCP4 127.0.0.66 127.0.0.1 5555 143\r\n")
            try await client.waitFor("* BYE [UNAVAILABLE] access from 127.0.0.66 is denied by policy")
            #expect(fixture.rejectReasons == [.blacklisted])
            #expect(fixture.upstream.realClients.isEmpty)
        }
    }

    @Test func blacklistedDirectClientIsRefusedBeforeAnyUpstreamConnection() async throws {
        try await withGate { fixture in
            let client = try await fixture.connect(from: "127.0.0.66")
            try await client.waitFor("* BYE [UNAVAILABLE] access from 127.0.0.66 is denied by policy")
            try await client.waitForClose()
            #expect(fixture.upstream.realClients.isEmpty)
        }
    }

    @Test func unreachableUpstreamGivesTheProtocolsRejectPromptly() async throws {
        try await withGate(replyProtocol: .pop3, upstreamDown: true) { fixture in
            let client = try await fixture.connect(from: "127.0.0.3")
            try await client.waitFor("-ERR [SYS/TEMP] mail service temporarily unavailable", within: .seconds(3))
            #expect(fixture.rejectReasons == [.upstreamUnavailable])
        }
    }

    @Test func implicitTLSPortsCloseWithoutAPlaintextWord() async throws {
        try await withGate(replyProtocol: .tls) { fixture in
            let client = try await fixture.connect(from: "127.0.0.66")
            try await client.waitForClose()
            #expect(client.text.isEmpty)
            #expect(fixture.rejectReasons == [.blacklisted])
        }
    }

    @Test func perSourceLimitRefusesTheExtraConnectionButSparesWhitelistedSources() async throws {
        try await withGate(whitelist: [entry("127.0.0.4")], replyProtocol: .smtp,
                           limits: ConnectionLimits(maxConnections: 100, maxPerSource: 1)) { fixture in
            let first = try await fixture.connect(from: "127.0.0.3")
            try await first.waitFor("* OK")
            let second = try await fixture.connect(from: "127.0.0.3")
            try await second.waitFor("421 4.7.0 too many connections from 127.0.0.3")
            let trusted = try await fixture.connect(from: "127.0.0.4")
            let trustedToo = try await fixture.connect(from: "127.0.0.4")
            try await trusted.waitFor("* OK")
            try await trustedToo.waitFor("* OK")
            #expect(fixture.rejectReasons == [.connectionLimit])
            for client in [first, trusted, trustedToo] { await client.close() }
        }
    }

    /// With the gate's own total reached, a refused client is not told that it, personally,
    /// has too many connections: no source is over its share. The event says which limit.
    @Test func globalLimitRefusalSaysItIsTheServersLimitNotTheClients() async throws {
        try await withGate(replyProtocol: .smtp, limits: ConnectionLimits(maxConnections: 2, maxPerSource: 100)) { fixture in
            let first = try await fixture.connect(from: "127.0.0.3")
            let second = try await fixture.connect(from: "127.0.0.5")
            try await first.waitFor("* OK")
            try await second.waitFor("* OK")
            let third = try await fixture.connect(from: "127.0.0.7")
            try await third.waitFor("421 4.7.0 the server is at its connection limit, try again later")
            #expect(!third.text.contains("too many connections from"))
            let rejected = fixture.gate.state.journal.recent().compactMap(\.gate).filter { $0.kind == .rejected }
            #expect(rejected.map(\.reason) == [.connectionLimit])
            #expect(rejected.first?.detail == "global limit max_connections=2 reached")
            for client in [first, second] { await client.close() }
        }
    }

    @Test func perSourceLimitRefusalNamesTheLimitInTheEvent() async throws {
        try await withGate(replyProtocol: .smtp, limits: ConnectionLimits(maxConnections: 100, maxPerSource: 1)) { fixture in
            let first = try await fixture.connect(from: "127.0.0.3")
            try await first.waitFor("* OK")
            let second = try await fixture.connect(from: "127.0.0.3")
            try await second.waitFor("421 4.7.0 too many connections from 127.0.0.3 (at most 1 at once), try again later")
            let rejected = fixture.gate.state.journal.recent().compactMap(\.gate).filter { $0.kind == .rejected }
            #expect(rejected.first?.detail == "per-source limit max_per_source=1 reached")
            await first.close()
        }
    }
}
