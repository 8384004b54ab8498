import AccessPolicy
import ControlClient
import Foundation
import Gate
import MailgateAPI
import NIOCore
import NetAddress
import Testing
@testable import ControlServer

/// The impact of any write, from real connections through the in-process gate, and the
/// pending change with auto-revert that every risky write becomes (the fixture: wlb
/// 127.0.0.2 plain, wflagged 127.0.0.3 with tcp_proxy, bbad 127.0.0.66 blacklisted; imap only).
@Suite struct ImpactOfAnyChangeTests {
    /// A direct client from `source` that sent a line; waits until the gate counted it.
    func directClient(_ f: ControlFixture, _ source: String) async throws -> Channel {
        let channel = try await f.connect(from: source)
        try await channel.writeAndFlush(ByteBuffer(string: "a1 NOOP\r\n"))
        try await f.eventually("\(source) counted") {
            f.gate.state.windows.activity(source: IPAddress(source)!, services: ["imap"], windowSeconds: 60,
                                          now: Int64(Date().timeIntervalSince1970)).direct >= 1
        }
        return channel
    }

    /// A connection from `source` that starts with a PROXY header naming `client`.
    func proxiedClient(_ f: ControlFixture, _ source: String, client: String) async throws -> Channel {
        let channel = try await f.connect(from: source)
        try await channel.writeAndFlush(ByteBuffer(string: "PROXY TCP4 \(client) 127.0.0.1 5555 143\r\na1 NOOP\r\n"))
        try await f.eventually("\(source) proxied") {
            f.gate.state.windows.activity(source: IPAddress(source)!, services: ["imap"], windowSeconds: 60,
                                          now: Int64(Date().timeIntervalSince1970)).proxied >= 1
        }
        return channel
    }

    func refusal(_ reply: ControlClient.Reply) throws -> ImpactReport {
        #expect(reply.status == 409)
        let body = try decode(APIErrorBody.self, reply)
        #expect(body.error.code == "acknowledge-impact-required")
        return try #require(body.error.impact)
    }

    @Test func wideningAFlaggedEntryShowsTheDirectClientItWouldRefuseAndAppliesNothing() async throws {
        try await withControl { f in
            let client = try await directClient(f, "127.0.0.5")
            let before = f.accessBytes
            let impact = try refusal(try await f.send(.PATCH, "/v1/whitelist/wflagged", json: #"{"source": "127.0.0.0/24"}"#, ifMatch: f.revision))
            #expect(impact.enablesTCPProxy)
            #expect(impact.affected == [.init(source: "127.0.0.5", services: ["imap"], outcome: .headerMissing,
                                              lastMinute: 1, last15Minutes: 1, openNow: 1)])
            #expect(impact.coverage == [.init(source: "127.0.0.0/24", addresses: "256 addresses", everything: false, largeShare: false)])
            #expect(impact.scope?.contains("any of the 256 addresses in 127.0.0.0/24") == true)
            #expect(f.accessBytes == before)

            let written = try decode(EntryWriteResponse.self, try await f.send(
                .PATCH, "/v1/whitelist/wflagged", json: #"{"source": "127.0.0.0/24", "acknowledge_impact": true}"#, ifMatch: f.revision))
            let change = try #require(written.pendingChange)
            let reverted = try decode(PendingChangeInfo.self, try await f.send(.POST, "/v1/changes/\(change.id)/revert"))
            #expect(reverted.outcome?.contains("undid source 127.0.0.0/24 → 127.0.0.3") == true)
            #expect(f.store.current.lists.whitelist[1].source.description == "127.0.0.3")
            try await client.close()
        }
    }

    @Test func enablingTheFlagOnOneLoadBalancerAffectsNoOtherDirectClient() async throws {
        try await withControl { f in
            let other = try await directClient(f, "127.0.0.5")
            let balancer = try await directClient(f, "127.0.0.2")
            let impact = try refusal(try await f.send(.PATCH, "/v1/whitelist/wlb", json: #"{"tcp_proxy": true}"#, ifMatch: f.revision))
            #expect(impact.affected.map(\.source) == ["127.0.0.2"])
            #expect(impact.openConnections == 1)
            try await other.close()
            try await balancer.close()
        }
    }

    @Test func evidenceCountsOnlyHeadersFromEachExactAddress() async throws {
        try await withControl { f in
            // 127.0.0.7 sends a PROXY header while unflagged (refused as spoofed); 127.0.0.6 talks directly.
            let spoofer = try await f.connect(from: "127.0.0.7")
            try await spoofer.writeAndFlush(ByteBuffer(string: "PROXY TCP4 203.0.113.9 127.0.0.1 5555 143\r\n"))
            try await f.eventually("the refused header") {
                f.gate.state.windows.activity(source: IPAddress("127.0.0.7")!, services: ["imap"], windowSeconds: 60,
                                              now: Int64(Date().timeIntervalSince1970)).untrustedHeaders == 1
            }
            let plain = try await directClient(f, "127.0.0.6")
            let impact = try refusal(try await f.send(.POST, "/v1/whitelist",
                                                      json: #"{"source": "127.0.0.4/30", "services": ["imap"], "tcp_proxy": true}"#, ifMatch: f.revision))
            #expect(impact.evidence == [.init(source: "127.0.0.7", services: ["imap"], lastMinute: 1, last15Minutes: 1)])
            #expect(impact.affected.map(\.source) == ["127.0.0.6"])
            #expect(impact.warning.contains { $0.contains("127.0.0.7 sent 1 PROXY header on imap") })
            try await plain.close()
            try? await spoofer.close()
        }
    }

    @Test func flaggingEverythingSaysSoPlainly() async throws {
        try await withControl { f in
            let impact = try await f.client { client in
                try await client.call(Endpoints.impact, body: ImpactRequest(list: .whitelist, action: "add", source: "0.0.0.0/0", tcpProxy: true))
            }
            #expect(impact.requiresAcknowledgement && impact.enablesTCPProxy)
            #expect(impact.coverage.first?.everything == true)
            #expect(impact.scope?.hasPrefix("EVERY client on imap") == true)
            #expect(impact.warning.contains("0.0.0.0/0 covers every IPv4 address: this applies to EVERYONE."))
        }
    }

    @Test func deletingAFlaggedLoadBalancerCutsItsClientsOffAndTheRevertRestoresIt() async throws {
        try await withControl { f in
            let session = try await proxiedClient(f, "127.0.0.3", client: "203.0.113.9")
            let impact = try refusal(try await f.send(.DELETE, "/v1/whitelist/wflagged", ifMatch: f.revision))
            #expect(impact.affected.map(\.outcome) == [.loadBalancerCutOff])
            #expect(impact.affected.first?.openNow == 1)
            #expect(impact.warning.contains { $0.contains("every client behind it is cut off") })

            let written = try decode(EntryWriteResponse.self, try await f.send(.DELETE, "/v1/whitelist/wflagged?acknowledge_impact=true",
                                                                              ifMatch: f.revision))
            let change = try #require(written.pendingChange)
            #expect(!f.store.current.lists.whitelist.contains { $0.id == "wflagged" })
            let reverted = try decode(PendingChangeInfo.self, try await f.send(.POST, "/v1/changes/\(change.id)/revert"))
            #expect(reverted.outcome?.contains("restored the removed entry 127.0.0.3") == true)
            #expect(f.store.current.lists.whitelist.first { $0.id == "wflagged" }?.tcpProxy == true)
            try await session.close()
        }
    }

    @Test func blacklistingASeenClientOrOneBehindTheProxyAsksFirst() async throws {
        try await withControl { f in
            let direct = try await directClient(f, "127.0.0.5")
            let proxied = try await proxiedClient(f, "127.0.0.3", client: "203.0.113.9")
            let seen = try refusal(try await f.send(.POST, "/v1/blacklist", json: #"{"source": "127.0.0.5"}"#, ifMatch: f.revision))
            #expect(seen.affected.map(\.outcome) == [.blacklisted])
            let behind = try refusal(try await f.send(.POST, "/v1/blacklist", json: #"{"source": "203.0.113.0/24"}"#, ifMatch: f.revision))
            #expect(behind.affected == [.init(source: "203.0.113.9", services: ["imap"], outcome: .clientBehindProxyBlacklisted,
                                              lastMinute: 1, last15Minutes: 1, openNow: 1)])
            try await direct.close()
            try await proxied.close()
        }
    }

    @Test func aChangeWithNoImpactAppliesAtOnceAndIsAudited() async throws {
        try await withControl { f in
            let reply = try await f.send(.POST, "/v1/blacklist", json: #"{"source": "198.51.100.7"}"#, ifMatch: f.revision)
            #expect(reply.status == 201)
            #expect(try decode(EntryWriteResponse.self, reply).pendingChange == nil)
            #expect(f.store.pendingChanges.isEmpty)
            #expect(f.store.audit.recent(limit: 1).first?.action == "blacklist.add")
        }
    }

    @Test func severalPendingChangesEachHaveTheirOwnCountdownAndAreSettledByID() async throws {
        try await withControl(revertAfter: .seconds(120)) { f in
            let first = try decode(EntryWriteResponse.self, try await f.send(
                .PATCH, "/v1/whitelist/wlb", json: #"{"tcp_proxy": true, "acknowledge_impact": true}"#, ifMatch: f.revision))
            let second = try decode(EntryWriteResponse.self, try await f.send(
                .DELETE, "/v1/whitelist/wflagged?acknowledge_impact=true", ifMatch: first.revision))
            let (a, b) = (try #require(first.pendingChange), try #require(second.pendingChange))
            #expect(f.store.pendingChanges.map(\.id).sorted() == [a.id, b.id].sorted())
            _ = try await f.send(.POST, "/v1/changes/\(b.id)/revert")
            _ = try await f.send(.POST, "/v1/changes/\(a.id)/confirm")
            let lists = f.store.current.lists
            #expect(lists.whitelist.first { $0.id == "wlb" }?.tcpProxy == true)
            #expect(lists.whitelist.contains { $0.id == "wflagged" })
            #expect(f.store.pendingChanges.isEmpty)
        }
    }

    @Test func aRevertKeepsAFieldALaterEditChangedAgainAndSaysSo() async throws {
        try await withControl { f in
            let first = try decode(EntryWriteResponse.self, try await f.send(
                .PATCH, "/v1/whitelist/wflagged", json: #"{"source": "127.0.0.0/30", "acknowledge_impact": true}"#, ifMatch: f.revision))
            let later = try decode(EntryWriteResponse.self, try await f.send(
                .PATCH, "/v1/whitelist/wflagged", json: #"{"source": "127.0.0.0/29", "description": "lb pool", "acknowledge_impact": true}"#,
                ifMatch: first.revision))
            _ = try await f.send(.POST, "/v1/changes/\(try #require(later.pendingChange).id)/confirm")
            let reverted = try decode(PendingChangeInfo.self, try await f.send(.POST, "/v1/changes/\(try #require(first.pendingChange).id)/revert"))
            #expect(reverted.outcome?.contains("kept source 127.0.0.0/29 (changed again since)") == true)
            let entry = try #require(f.store.current.lists.whitelist.first { $0.id == "wflagged" })
            #expect(entry.source.description == "127.0.0.0/29" && entry.description == "lb pool")
        }
    }
}
