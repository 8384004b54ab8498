import AccessPolicy
import MailgateAPI
import Foundation
import Testing
@testable import Console
@testable import ConsoleFixture

@Suite("History: the audit log, where each change stands, and u proposing the inverse through the dialogs")
struct HistoryTests {
    func onHistory(readonly: Bool = false) -> Scenario {
        var s = Scenario(readonly: readonly)
        s.press(.character("6"))
        #expect(s.model.view == .history)
        return s
    }

    func select(action: String, _ s: inout Scenario) {
        s.model.selection[.history] = s.model.historyItems.firstIndex { $0.record.action == action }
        #expect(s.model.selectedHistoryItem?.record.action == action)
    }

    @Test func recordsAreNewestFirstWithTheirState() {
        let s = onHistory()
        let items = s.model.historyItems
        #expect(items.map(\.record.id) == ["a05", "a04", "a03", "a02", "a01"])
        #expect(items[1].state == .autoReverted)
        #expect(items[0].state == .note)
        #expect(items[2].state == .applied)
        for (w, h) in Scenario.sizes { Golden.check("history", s.screen(w, h)) }
    }

    @Test func aWriteAppearsLiveAndIsPendingUntilConfirmed() {
        var s = onHistory()
        s.press(.character("3"), .character("j"), .character("p"), .character("E"), .character("6"))
        guard case .pending(let id) = s.model.historyItems.first?.state else {
            Issue.record("newest is not pending: \(String(describing: s.model.historyItems.first))"); return
        }
        #expect(s.model.pendingChanges.map(\.id) == [id])
        s.press(.character("c"))
        #expect(s.model.historyItems.first?.record.action == "change.confirm")
        #expect(s.model.historyItems[1].state == .confirmed)
    }

    @Test func uOnAPendingChangeRevertsIt() {
        var s = onHistory()
        s.press(.character("3"), .character("j"), .character("p"), .character("E"), .character("6"), .character("g"))
        let commands = s.model.handle(.character("u"))
        guard case .revertChange? = commands.first else { Issue.record("not a revert: \(commands)"); return }
    }

    @Test func uOnASettledAddProposesTheRemovalAskedFirstThenWithTheImpact() {
        var s = onHistory()
        select(action: "whitelist.add", &s)  // alice added lb1, the flagged load balancer
        s.press(.character("u"))
        guard case .confirm(let question)? = s.model.overlay else { Issue.record("no question"); return }
        #expect(question.lines.contains { $0.contains("removed the added entry 203.0.113.7 again") })
        #expect(question.command == .write(ListWrite(list: .whitelist, action: .remove(entryID: "w1f00d001"), revision: "r42",
                                                      source: "203.0.113.7")))
        Golden.check("history-undo-question", s.screen(80, 24))
        s.press(.character("y"))
        guard case .impact(let dialog)? = s.model.overlay else { Issue.record("no impact dialog"); return }
        #expect(dialog.report?.requiresAcknowledgement == true)
        s.press(.character("E"))
        #expect(!s.daemon.lists.whitelist.contains { $0.id == "w1f00d001" })
        #expect(s.model.pendingChanges.count == 1)
        #expect(s.model.historyItems.first?.record.action == "whitelist.remove")
    }

    @Test func uOnAnAutoRevertReappliesWhatWasReverted() {
        var s = onHistory()
        select(action: "change.auto-revert", &s)
        s.press(.character("u"))
        guard case .confirm(let question)? = s.model.overlay,
              case .write(let write) = question.command, case .update(let id, let draft) = write.action else {
            Issue.record("no update proposed: \(String(describing: s.model.overlay))"); return
        }
        #expect(id == "w1f00d002")
        #expect(draft.tcpProxy == true)
    }

    @Test func uOnARecordWithoutAnEntrySaysThereIsNothingToUndo() {
        var s = onHistory()
        select(action: "reload", &s)
        #expect(s.model.handle(.character("u")).isEmpty)
        #expect(s.model.overlay == nil)
        #expect(s.model.notice?.text.hasPrefix("Nothing to undo") == true)
    }

    @Test func enterShowsTheWholeRecordAlsoReadonly() {
        var s = onHistory(readonly: true)
        select(action: "change.auto-revert", &s)
        #expect(s.model.handle(.character("u")).isEmpty)
        #expect(s.model.overlay == nil)
        s.press(.enter)
        guard case .detail(let panel)? = s.model.overlay else { Issue.record("no panel"); return }
        #expect(panel.fields.contains { $0.label == "What" && $0.value.hasSuffix("undid tcp_proxy true → false on 203.0.113.8") })
        Golden.check("history-detail", s.screen(80, 24))
    }

    @Test func theLogsStatesComeFromLaterRecords() {
        let t = ConsoleFixture.goldenNow
        func record(_ action: String, _ detail: String, list: ListKind? = .blacklist) -> AuditRecord {
            AuditRecord(time: t, user: "u", uid: nil, action: action, list: list, entryID: "b1", before: nil, after: nil, detail: detail)
        }
        let records = [
            record("blacklist.add", "added blacklist 192.0.2.1; pending change chg-a reverts at T unless confirmed"),
            record("blacklist.add", "added blacklist 192.0.2.2; pending change chg-b reverts at T unless confirmed"),
            record("blacklist.add", "added blacklist 192.0.2.3; pending change chg-c reverts at T unless confirmed"),
            record("change.confirm", "confirmed chg-a: add blacklist 192.0.2.1"),
            record("change.revert", "chg-b (add blacklist 192.0.2.2): reverted by u: removed the added entry 192.0.2.2 again"),
        ]
        let states = HistoryItem.items(records, pending: []).reversed().prefix(3).map(\.state)
        #expect(states == [.confirmed, .undone, .settled])
    }
}
