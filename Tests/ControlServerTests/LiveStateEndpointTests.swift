import AccessPolicy
import Foundation
import Gate
import MailgateAPI
import NIOCore
import Testing
@testable import ControlServer

/// Status, connections, events (recent and streamed) and `/metrics`.
@Suite struct LiveStateEndpointTests {
    @Test func statusDescribesListenersCountsAndRevision() async throws {
        try await withControl { f in
            let status = try await f.get(StatusResponse.self, "/v1/status")
            #expect(status.version == "test")
            #expect(status.revision == f.revision)
            #expect(status.accessFile == f.accessFile)
            let listener = try #require(status.listeners.first)
            #expect(listener.service == "imap" && listener.upstreamReachable == true && listener.upstreamProxy == "v2")
            #expect(status.connections.open == 0 && status.pendingChanges.isEmpty)
        }
    }

    @Test func upstreamsAreProbedOnlyWithoutRecentEvidenceAndWithALocalHeader() async throws {
        try await withControl { f in
            // No traffic yet: the first status probes, with a PROXY LOCAL header (no real client).
            #expect(try await f.get(StatusResponse.self, "/v1/status").listeners.first?.upstreamReachable == true)
            try await f.eventually("the probe's header seen upstream") { f.upstream.realClients == [nil] }
            // A second status within the observation's life answers from it: no new connection.
            #expect(try await f.get(StatusResponse.self, "/v1/status").listeners.first?.upstreamReachable == true)
            try await Task.sleep(for: .milliseconds(200))
            #expect(f.upstream.realClients == [nil])

            // A refused connect seen on the data path counts as down, without a probe.
            f.gate.state.upstreams.record(f.configuration.listeners[0].upstream.description, reachable: false)
            #expect(try await f.get(StatusResponse.self, "/v1/status").listeners.first?.upstreamReachable == false)
            #expect(f.upstream.realClients == [nil])
        }
    }

    @Test func aRelayedClientIsEvidenceThatTheUpstreamIsUp() async throws {
        try await withControl { f in
            let flagged = try await f.connect(from: "127.0.0.3")
            try await flagged.writeAndFlush(ByteBuffer(string: "PROXY TCP4 192.0.2.1 127.0.0.1 5555 143\r\n"))
            try await f.eventually("the client relayed") { f.upstream.realClients.count == 1 }
            #expect(try await f.get(StatusResponse.self, "/v1/status").listeners.first?.upstreamReachable == true)
            try await Task.sleep(for: .milliseconds(200))
            #expect(f.upstream.realClients.count == 1, "no probe: the client's connection answered for it")
            try await flagged.close()
        }
    }

    @Test func connectionsAreGroupedByProxyState() async throws {
        try await withControl { f in
            let direct = try await f.connect(from: "127.0.0.5")
            let flagged = try await f.connect(from: "127.0.0.3")  // tcp_proxy: waits for its header
            try await f.eventually("both connections registered") { f.gate.state.registry.count == 2 }
            let groups = try await f.get(ConnectionsResponse.self, "/v1/connections")
            #expect(groups.direct.map(\.peer.address.description) == ["127.0.0.5"])
            #expect(groups.awaitingHeader.map(\.peer.address.description) == ["127.0.0.3"])
            #expect(groups.awaitingHeader.first?.entryID == "wflagged")
            #expect(groups.proxied.isEmpty)
            try await direct.close()
            try await flagged.close()
        }
    }

    @Test func eventsFilterByReasonSourceAndService() async throws {
        try await withControl { f in
            let blocked = try await f.connect(from: "127.0.0.66")
            try await blocked.closeFuture.get()
            let rejected = try await f.get(EventsResponse.self, "/v1/events?reason=blacklisted&source=127.0.0.0/24&service=imap").events
            #expect(rejected.count == 1 && rejected.first?.gate?.entryID == "bbad")
            #expect(try await f.get(EventsResponse.self, "/v1/events?source=10.0.0.0/8").events.isEmpty)
            let since = try #require(rejected.first?.sequence)
            #expect(try await f.get(EventsResponse.self, "/v1/events?since=\(since)&reason=blacklisted").events.isEmpty)
            let bad = try await f.send(.GET, "/v1/events?reason=rude")
            #expect(bad.status == 400 && errorCode(bad) == "invalid-query")
        }
    }

    @Test func theEventStreamDeliversEventsAsTheyHappen() async throws {
        try await withControl { f in
            try await f.client { client in
                let stream = try await client.events(query: [URLQueryItem(name: "kind", value: "rejected")])
                let blocked = try await f.connect(from: "127.0.0.66")
                try await blocked.closeFuture.get()
                let first = try await withThrowingTaskGroup(of: Event?.self) { group in
                    group.addTask { try await stream.first { _ in true } }
                    group.addTask {
                        try await Task.sleep(for: .seconds(10))
                        return nil
                    }
                    defer { group.cancelAll() }
                    return try await group.next() ?? nil
                }
                let event = try #require(first?.gate)
                #expect(event.kind == .rejected && event.reason == .blacklisted && event.peer?.description == "127.0.0.66")
            }
        }
    }

    @Test func metricsCountARejectByReasonAndService() async throws {
        try await withControl { f in
            let blocked = try await f.connect(from: "127.0.0.66")
            try await blocked.closeFuture.get()
            try await f.eventually("the reject recorded") { f.gate.state.rejectedTotal == 1 }
            let reply = try await f.send(.GET, "/metrics")
            let text = String(decoding: reply.body, as: UTF8.self)
            #expect(reply.status == 200)
            #expect(text.contains(#"mailgate_rejects_total{reason="blacklisted",service="imap"} 1"#))
            #expect(text.contains(#"mailgate_connections{state="relaying-direct"}"#))
            #expect(text.contains("# HELP mailgate_connections Open connections by state"))
            #expect(text.contains("\nmailgate_pending_changes 0"))
        }
    }

    @Test func metricsTimeTheProxyHeaderAndCountRelayedBytes() async throws {
        try await withControl { f in
            let flagged = try await f.connect(from: "127.0.0.3")
            try await flagged.writeAndFlush(ByteBuffer(string: "PROXY TCP4 192.0.2.1 127.0.0.1 5555 143\r\n"))
            try await f.eventually("the proxied connection") { f.gate.state.journal.recent().compactMap(\.gate).contains { $0.kind == .proxied } }
            try await flagged.close()
            try await f.eventually("the close recorded") { f.gate.state.journal.recent().compactMap(\.gate).contains { $0.kind == .closed } }
            let text = String(decoding: try await f.send(.GET, "/metrics").body, as: UTF8.self)
            #expect(text.contains(#"mailgate_proxy_header_wait_seconds_count{service="imap"} 1"#))
            #expect(text.contains(#"mailgate_relayed_bytes_total{direction="from-client"} 41"#))
        }
    }
}
