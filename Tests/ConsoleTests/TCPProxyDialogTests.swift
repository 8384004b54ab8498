import Foundation
import Testing
@testable import Console

@Suite("The TCP Proxy warning: Cancel first, never a lone Enter")
struct TCPProxyDialogTests {
    /// The whitelist with haproxy lb2 (203.0.113.8, flag off) selected.
    func onLB2() -> Scenario {
        var s = Scenario()
        s.press(.character("3"), .character("j"))
        #expect(s.model.selectedEntry(.whitelist)?.description == "haproxy lb2")
        return s
    }

    var lb2: String { "w1f00d002" }

    @Test func pOpensTheDialogWithFocusOnCancelAndAsksForTheEvidence() {
        var s = onLB2()
        let commands = s.model.handle(.character("p"))
        #expect(commands == [.fetchImpact(entryID: lb2)])
        guard case .tcpProxyWarning(let dialog)? = s.model.overlay else { Issue.record("no dialog"); return }
        #expect(dialog.focus == .cancel)
        #expect(dialog.report == nil)
    }

    @Test func enterOnTheDialogCancels() {
        var s = onLB2()
        s.press(.character("p"), .enter)
        #expect(s.model.overlay == nil)
        #expect(s.daemon.lists.whitelist[1].tcpProxy == false)
        #expect(s.model.pendingChange == nil)
    }

    @Test func enterOnTheEnableButtonStillDoesNotEnable() {
        var s = onLB2()
        s.press(.character("p"), .tab)
        let commands = s.model.handle(.enter)
        #expect(commands.isEmpty)
        guard case .tcpProxyWarning(let dialog)? = s.model.overlay else { Issue.record("dialog closed"); return }
        #expect(dialog.hint?.contains("press E") == true)
        #expect(s.daemon.lists.whitelist[1].tcpProxy == false)
    }

    @Test func theDistinctKeyEnablesAsAPendingChange() {
        var s = onLB2()
        s.press(.character("p"), .character("E"))
        #expect(s.model.overlay == nil)
        #expect(s.daemon.lists.whitelist[1].tcpProxy == true)
        #expect(s.model.whitelist?.entries[1].tcpProxy == true)
        #expect(s.model.pendingChange?.entryID == lb2)
        let text = s.screen(80, 24).textLines.joined(separator: "\n")
        #expect(text.contains("PENDING"))
        #expect(text.contains("reverts in 2:00"))
    }

    @Test func enablingWaitsForTheEvidence() {
        var s = onLB2()
        _ = s.model.handle(.character("p"))
        #expect(s.model.handle(.character("E")).isEmpty)
        guard case .tcpProxyWarning(let dialog)? = s.model.overlay else { Issue.record("dialog closed"); return }
        #expect(dialog.hint != nil)
    }

    @Test func theDialogStatesScopeEvidenceAndRevertInWords() {
        var s = onLB2()
        s.press(.character("p"))
        // The dialog's words with its border and the wrapping taken out.
        let text = s.screen(120, 40).textLines.joined(separator: " ").replacingOccurrences(of: "│", with: " ")
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        #expect(text.contains("only connections from 203.0.113.8 on imap, pop3 will need a PROXY header; everyone else is unaffected"))
        #expect(text.contains("12 direct connections from 203.0.113.8 would be REFUSED"))
        #expect(text.contains("48 PROXY headers received while unflagged — evidence it is a load balancer"))
        #expect(text.contains("3 open connections are not dropped"))
        #expect(text.contains("reverts in 120 s unless you press c"))
    }

    @Test func cConfirmsThePendingChange() {
        var s = onLB2()
        s.press(.character("p"), .character("E"), .character("c"))
        #expect(s.model.pendingChange == nil)
        #expect(s.daemon.lists.whitelist[1].tcpProxy == true)
    }

    @Test func uUndoesItNow() {
        var s = onLB2()
        s.press(.character("p"), .character("E"), .character("u"))
        #expect(s.model.pendingChange == nil)
        #expect(s.daemon.lists.whitelist[1].tcpProxy == false)
        #expect(s.model.notice?.text.contains("reverted") == true)
    }

    @Test func itRevertsByItselfAtTheDeadline() {
        var s = onLB2()
        s.press(.character("p"), .character("E"))
        s.model.tick(now: ConsoleFixture.goldenNow.addingTimeInterval(121))
        s.daemon.tick(model: &s.model)
        #expect(s.model.pendingChange == nil)
        #expect(s.model.whitelist?.entries[1].tcpProxy == false)
    }

    @Test func turningTheFlagOffAsksFirstWithFocusOnCancel() {
        var s = Scenario()
        s.press(.character("3"), .character("p"))  // lb1, flag on
        guard case .confirm(let dialog)? = s.model.overlay else { Issue.record("no confirm"); return }
        #expect(dialog.focus == .cancel)
        s.press(.enter)
        #expect(s.daemon.lists.whitelist[0].tcpProxy == true)
        s.press(.character("p"), .character("y"))
        #expect(s.daemon.lists.whitelist[0].tcpProxy == false)
    }
}
