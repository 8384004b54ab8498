import AccessPolicy
import ControlServer
import Foundation
import Gate
import MailgateAPI
import NIOCore
import Testing
@testable import ControlServer

/// Enabling `tcp_proxy`: the impact report, the acknowledgement, the pending change that
/// reverts itself, confirm and revert, and the audit trail.
@Suite struct SafeChangeTests {
    @Test func enablingTCPProxyUnacknowledgedIs409WithTheImpactReport() async throws {
        try await withControl { f in
            // 127.0.0.2 talks directly first: the report must count it.
            let channel = try await f.connect(from: "127.0.0.2")
            try await channel.writeAndFlush(ByteBuffer(string: "a1 NOOP\r\n"))
            try await f.eventually("the direct connection counted") {
                f.gate.state.windows.activity(source: .v4(0x7F00_0002), services: ["imap"], windowSeconds: 60,
                                              now: Int64(Date().timeIntervalSince1970)).direct == 1
            }
            let before = f.accessBytes
            let reply = try await f.send(.PATCH, "/v1/whitelist/wlb", json: #"{"tcp_proxy": true}"#, ifMatch: f.revision)
            #expect(reply.status == 409)
            let body = try decode(APIErrorBody.self, reply)
            #expect(body.error.code == "acknowledge-impact-required")
            let impact = try #require(body.error.impact)
            #expect(impact.entryID == "wlb" && impact.services == ["imap"])
            #expect(impact.enablesTCPProxy && impact.requiresAcknowledgement)
            #expect(impact.affected == [.init(source: "127.0.0.2", services: ["imap"], outcome: .headerMissing,
                                              lastMinute: 1, last15Minutes: 1, openNow: 1)])
            #expect(impact.openConnections == 1)
            #expect(impact.scope == "only connections from 127.0.0.2 on imap will need a PROXY header; everyone else is unaffected")
            #expect(f.accessBytes == before)

            let preview = try await f.get(ImpactReport.self, "/v1/whitelist/wlb/impact")
            #expect(preview.refusedConnections == 1 && preview.revertAfterSeconds == 120)
            try await channel.close()
        }
    }

    @Test func anAcknowledgedChangeRevertsItselfWhenNotConfirmed() async throws {
        try await withControl(revertAfter: .milliseconds(600)) { f in
            let reply = try await f.send(.PATCH, "/v1/whitelist/wlb", json: #"{"tcp_proxy": true, "acknowledge_impact": true}"#,
                                         ifMatch: f.revision)
            #expect(reply.status == 200)
            let written = try decode(EntryWriteResponse.self, reply)
            let change = try #require(written.pendingChange)
            #expect(change.state == .pending && change.entryID == "wlb")
            #expect(abs(change.deadline.timeIntervalSince(change.created) - 0.6) <= 1)  // JSON dates are whole seconds
            #expect(f.store.current.lists.whitelist[0].tcpProxy)
            #expect(try await f.get(StatusResponse.self, "/v1/status").pendingChanges.map(\.id) == [change.id])

            try await f.eventually("the auto-revert") {
                try await f.get(ChangesResponse.self, "/v1/changes").changes.first?.state == .reverted
            }
            #expect(f.store.current.lists.whitelist[0].tcpProxy == false)
            #expect(String(decoding: f.accessBytes, as: UTF8.self).contains("tcp_proxy = false"))
            let events = try await f.get(EventsResponse.self, "/v1/events?kind=change-reverted").events
            #expect(events.count == 1 && events[0].control?.detail?.contains(change.id) == true)
            let audit = try await f.get(AuditResponse.self, "/v1/audit").records
            #expect(audit.map(\.action) == ["whitelist.update", "change.auto-revert"])
            #expect(audit[1].before?.tcpProxy == true && audit[1].after?.tcpProxy == false)
            // Both records name the change by id, for a reader that follows it (the console's History).
            #expect(audit.map(\.change) == [change.id, change.id])
        }
    }

    @Test func aConfirmedChangeStays() async throws {
        try await withControl(revertAfter: .milliseconds(500)) { f in
            let written = try decode(EntryWriteResponse.self, try await f.send(
                .POST, "/v1/whitelist", json: #"{"source": "127.0.0.9", "services": ["imap"], "tcp_proxy": true, "acknowledge_impact": true}"#,
                ifMatch: f.revision))
            let change = try #require(written.pendingChange)
            let confirmed = try decode(PendingChangeInfo.self, try await f.send(.POST, "/v1/changes/\(change.id)/confirm"))
            #expect(confirmed.state == .confirmed)
            try await Task.sleep(for: .milliseconds(800))  // past the deadline: nothing may happen now
            #expect(f.store.current.lists.whitelist.first { $0.id == written.entry?.id }?.tcpProxy == true)
            let again = try await f.send(.POST, "/v1/changes/\(change.id)/revert")
            #expect(again.status == 409 && errorCode(again) == "change-not-pending")
            #expect(errorCode(try await f.send(.POST, "/v1/changes/nope/confirm")) == "not-found")
        }
    }

    @Test func revertingAfterAnUnrelatedEditUndoesOnlyWhatTheChangeDid() async throws {
        try await withControl { f in
            let written = try decode(EntryWriteResponse.self, try await f.send(
                .PATCH, "/v1/whitelist/wlb", json: #"{"tcp_proxy": true, "acknowledge_impact": true}"#, ifMatch: f.revision))
            let change = try #require(written.pendingChange)
            _ = try await f.send(.PATCH, "/v1/whitelist/wlb", json: #"{"description": "renamed"}"#, ifMatch: written.revision)
            let reverted = try decode(PendingChangeInfo.self, try await f.send(.POST, "/v1/changes/\(change.id)/revert"))
            #expect(reverted.state == .reverted)
            #expect(reverted.outcome?.contains("undid tcp_proxy true → false") == true)
            let entry = f.store.current.lists.whitelist[0]
            #expect(entry.tcpProxy == false && entry.description == "renamed")
        }
    }

    @Test func revertingADeletedEntrySaysSoAndWritesNothing() async throws {
        try await withControl { f in
            let written = try decode(EntryWriteResponse.self, try await f.send(
                .PATCH, "/v1/whitelist/wlb", json: #"{"tcp_proxy": true, "acknowledge_impact": true}"#, ifMatch: f.revision))
            _ = try await f.send(.DELETE, "/v1/whitelist/wlb?acknowledge_impact=true", ifMatch: written.revision)
            let bytes = f.accessBytes
            let reverted = try decode(PendingChangeInfo.self, try await f.send(.POST, "/v1/changes/\(written.pendingChange!.id)/revert"))
            #expect(reverted.outcome?.contains("was deleted since") == true)
            #expect(f.accessBytes == bytes)
        }
    }

    @Test func everyWriteIsAuditedWithTheLocalUserAndSurvivesARestart() async throws {
        try await withControl { f in
            _ = try await f.send(.PATCH, "/v1/blacklist/bbad", json: #"{"description": "spam"}"#, ifMatch: f.revision)
            let records = try await f.get(AuditResponse.self, "/v1/audit?limit=10").records
            let record = try #require(records.last)
            #expect(record.user == PeerCredentials.userName(uid: getuid()))
            #expect(record.uid == getuid())
            #expect(record.action == "blacklist.update" && record.entryID == "bbad")
            #expect(record.before?.description == "" && record.after?.description == "spam")
            // Append-only on disk: a fresh reader of the same file sees the same record.
            #expect(AuditLog(path: f.configuration.auditLogPath).recent(limit: 1) == [record])
        }
    }
}
