import AccessPolicy
import ControlServer
import Foundation
import MailgateAPI
import Testing
@testable import ControlServer

/// A pending change outlives a daemon restart: its countdown resumes, or it is
/// reverted at once when its deadline passed while the daemon was stopped.
@Suite struct PendingChangeRestartTests {
    private func enable(_ f: ControlFixture) async throws -> PendingChangeInfo {
        let written = try decode(EntryWriteResponse.self, try await f.send(
            .PATCH, "/v1/whitelist/wlb", json: #"{"tcp_proxy": true, "acknowledge_impact": true}"#, ifMatch: f.revision))
        return try #require(written.pendingChange)
    }

    /// A second store on the same files: what the daemon builds when it starts again.
    private func restart(_ f: ControlFixture) throws -> AccessStore {
        f.store.stop()
        return try AccessStore(configuration: f.configuration, gate: f.gate.state,
                               audit: AuditLog(path: f.configuration.auditLogPath))
    }

    @Test func aPendingChangeIsResumedWithItsDeadlineAfterARestart() async throws {
        try await withControl(revertAfter: .seconds(120)) { f in
            let change = try await enable(f)
            let file = StoreJournal(accessFile: f.configuration.accessFile)
            #expect(try file.load().pending.map(\.change.id) == [change.id])

            let restarted = try restart(f)
            defer { restarted.stop() }
            let resumed = try #require(restarted.pendingChanges.first)
            #expect(resumed.id == change.id && resumed.state == .pending)
            #expect(abs(resumed.deadline.timeIntervalSince(change.deadline)) < 1)
            #expect(restarted.current.lists.whitelist[0].tcpProxy)

            // Settling it after the restart works as before, and empties the file.
            let reverted = try restarted.revert(change.id, by: Caller(name: "admin"))
            #expect(reverted.state == .reverted)
            #expect(reverted.outcome?.contains("edited since") == false)  // timestamps read back are not edits
            #expect(restarted.current.lists.whitelist[0].tcpProxy == false)
            #expect(!FileManager.default.fileExists(atPath: file.path))
        }
    }

    @Test func aChangeWhoseDeadlinePassedWhileStoppedIsRevertedAtStart() async throws {
        try await withControl(revertAfter: .seconds(1)) { f in
            let change = try await enable(f)
            f.store.stop()  // the daemon stops before the deadline ...
            try await Task.sleep(for: .milliseconds(1300))  // ... and stays down past it
            #expect(f.store.current.lists.whitelist[0].tcpProxy, "nothing may revert while stopped")

            let restarted = try restart(f)
            defer { restarted.stop() }
            #expect(restarted.pendingChanges.isEmpty)
            #expect(restarted.changes.first { $0.id == change.id }?.state == .reverted)
            #expect(restarted.current.lists.whitelist[0].tcpProxy == false)
            #expect(String(decoding: f.accessBytes, as: UTF8.self).contains("tcp_proxy = false"))
            #expect(!FileManager.default.fileExists(atPath: StoreJournal(accessFile: f.configuration.accessFile).path))
            let audit = AuditLog(path: f.configuration.auditLogPath).recent(limit: 1)
            #expect(audit.first?.action == "change.auto-revert" && audit.first?.after?.tcpProxy == false)
        }
    }

    @Test func anUnreadablePendingFileIsLeftForTheAdminAndTheStoreStillStarts() async throws {
        try await withControl { f in
            let file = StoreJournal(accessFile: f.configuration.accessFile)
            try "not json".write(toFile: file.path, atomically: true, encoding: .utf8)
            #expect(throws: StoreJournal.Problem.self) { try file.load() }

            let restarted = try restart(f)
            defer { restarted.stop() }
            #expect(restarted.pendingChanges.isEmpty)
            #expect(FileManager.default.contents(atPath: file.path) == Data("not json".utf8))
        }
    }
}
