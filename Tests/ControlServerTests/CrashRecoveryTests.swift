import AccessPolicy
import ControlServer
import Foundation
import MailgateAPI
import Testing
@testable import ControlServer

/// A commit stopped dead after each of its steps, as a crash there would leave it, then a
/// fresh store on the same files (what the daemon builds when it starts again): the access
/// file is the old or the new one; a change in the file has its pending record and exactly
/// one audit record; torn audit tails, leftover temporary files and invalid hand edits are
/// dealt with.
@Suite struct CrashRecoveryTests {
    func restart(_ f: ControlFixture) throws -> AccessStore {
        f.store.stop()
        return try AccessStore(configuration: f.configuration, gate: f.gate.state, audit: AuditLog(path: f.configuration.auditLogPath))
    }

    func auditActions(_ f: ControlFixture) -> [String] {
        AuditLog(path: f.configuration.auditLogPath).recent(limit: 100).map(\.action)
    }

    @Test(arguments: [AccessStore.CommitStep.intent, .accessFile, .audit])
    func aCrashAfterEachStepOfARiskyWriteLeavesItWholeOrAbsent(step: AccessStore.CommitStep) async throws {
        try await withControl { f in
            let before = f.accessBytes
            f.store.crashAfter.withLock { $0 = step }
            let reply = try await f.send(.PATCH, "/v1/whitelist/wlb", json: #"{"tcp_proxy": true, "acknowledge_impact": true}"#, ifMatch: f.revision)
            #expect(reply.status == 500)

            let restarted = try restart(f)
            defer { restarted.stop() }
            let flagOn = restarted.current.lists.whitelist.first { $0.id == "wlb" }?.tcpProxy == true
            if step == .intent {
                #expect(!flagOn && f.accessBytes == before, "the write had not reached the file: it is dropped")
                #expect(restarted.pendingChanges.isEmpty)
                #expect(auditActions(f) == [])
            } else {
                #expect(flagOn)
                #expect(restarted.pendingChanges.map(\.entryID) == ["wlb"], "the change in the file reverts on time")
                #expect(auditActions(f) == ["whitelist.update"], "exactly one audit record")
            }
            #expect(try StoreJournal(accessFile: f.accessFile).load().intent == nil)
        }
    }

    @Test(arguments: [AccessStore.CommitStep.intent, .audit])
    func aCrashDuringARevertIsFinishedOrRetried(step: AccessStore.CommitStep) async throws {
        try await withControl(revertAfter: .seconds(1)) { f in
            let written = try decode(EntryWriteResponse.self, try await f.send(
                .PATCH, "/v1/whitelist/wlb", json: #"{"tcp_proxy": true, "acknowledge_impact": true}"#, ifMatch: f.revision))
            let change = try #require(written.pendingChange)
            f.store.crashAfter.withLock { $0 = step }
            let reply = try await f.send(.POST, "/v1/changes/\(change.id)/revert")
            #expect(reply.status == 200)  // the revert is attempted; its commit stopped dead
            f.store.stop()                // and a crashed daemon runs no timers
            try await Task.sleep(for: .milliseconds(1100))  // past the deadline while "down"
            let restarted = try restart(f)
            defer { restarted.stop() }
            #expect(restarted.current.lists.whitelist.first { $0.id == "wlb" }?.tcpProxy == false)
            #expect(restarted.pendingChanges.isEmpty)
            let reverts = auditActions(f).filter { $0.hasPrefix("change.") }
            #expect(reverts.count == 1, "one revert recorded, not two: \(auditActions(f))")
        }
    }

    @Test func aTornAuditTailIsCutOffKeptAsideAndRecorded() async throws {
        try await withControl { f in
            _ = try await f.send(.POST, "/v1/blacklist", json: #"{"source": "198.51.100.7"}"#, ifMatch: f.revision)
            let handle = try #require(FileHandle(forWritingAtPath: f.configuration.auditLogPath))
            handle.seekToEndOfFile()
            handle.write(Data(#"{"action":"whitelist.upd"#.utf8))
            try handle.close()

            let restarted = try restart(f)
            defer { restarted.stop() }
            _ = try restarted.write(.add(EntryDraft(source: "198.51.100.8"), acknowledgeImpact: false), to: .blacklist,
                                    ifMatch: restarted.current.revision, by: Caller(name: "admin"))
            #expect(auditActions(f) == ["blacklist.add", "audit.repair", "blacklist.add"])
            let folder = (f.configuration.auditLogPath as NSString).deletingLastPathComponent
            let kept = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".torn-") }
            #expect(kept.count == 1)
            #expect(FileManager.default.contents(atPath: folder + "/" + kept[0]) == Data(#"{"action":"whitelist.upd"#.utf8))
        }
    }

    @Test func leftoverTemporaryFilesOfOurNamingAreRemovedAndOthersKept() async throws {
        try await withControl { f in
            let dead = "\(f.folder)/.access.toml.4194999.12345.tmp"  // above pid_max: no such process
            let live = "\(f.folder)/.access.toml.1.12345.tmp"         // pid 1 is alive
            let foreign = "\(f.folder)/.access.toml.swp"
            for path in [dead, live, foreign] { FileManager.default.createFile(atPath: path, contents: Data("x".utf8)) }
            let restarted = try restart(f)
            defer { restarted.stop() }
            #expect(!FileManager.default.fileExists(atPath: dead))
            #expect(FileManager.default.fileExists(atPath: live) && FileManager.default.fileExists(atPath: foreign))
        }
    }

    @Test func aRevertOverAnInvalidHandEditKeepsTheAdminsFile() async throws {
        try await withControl(revertAfter: .milliseconds(500)) { f in
            _ = try await f.send(.PATCH, "/v1/whitelist/wlb", json: #"{"tcp_proxy": true, "acknowledge_impact": true}"#, ifMatch: f.revision)
            let handEdit = String(decoding: f.accessBytes, as: UTF8.self) + "\n[[whitelist]]\nsource = \"not an address\"\n"
            try handEdit.write(toFile: f.accessFile, atomically: true, encoding: .utf8)
            try await f.eventually("the auto-revert") { f.store.pendingChanges.isEmpty }

            let kept = try FileManager.default.contentsOfDirectory(atPath: f.folder).filter { $0.hasPrefix("access.toml.hand-edit-") }
            #expect(kept.count == 1)
            #expect(FileManager.default.contents(atPath: "\(f.folder)/\(kept[0])") == Data(handEdit.utf8))
            #expect(String(decoding: f.accessBytes, as: UTF8.self).contains("tcp_proxy = false"))
            #expect(auditActions(f).contains("hand-edit.kept"))
            let events = try await f.get(EventsResponse.self, "/v1/events?kind=config-changed").events
            #expect(events.contains { $0.control?.detail?.contains("your edit is kept in") == true })
        }
    }
}
