import AccessPolicy
import Foundation
import Testing
@testable import Console
@testable import ConsoleFixture

@Suite("The impact dialog before every change that could cut clients off: Cancel first, never a lone Enter")
struct ImpactDialogTests {
    /// The whitelist with haproxy lb2 (203.0.113.8, flag off) selected.
    func onLB2() -> Scenario {
        var s = Scenario()
        s.press(.character("3"), .character("j"))
        #expect(s.model.selectedEntry(.whitelist)?.description == "haproxy lb2")
        return s
    }

    var lb2: String { "w1f00d002" }

    func dialog(_ s: Scenario) -> ImpactDialog? {
        if case .impact(let dialog)? = s.model.overlay { return dialog }
        return nil
    }

    /// The dialog's words with its border and the wrapping taken out.
    func words(_ s: Scenario) -> String {
        s.screen(120, 40).textLines.joined(separator: " ").replacingOccurrences(of: "│", with: " ")
            .replacingOccurrences(of: "║", with: " ").split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    @Test func pOpensTheDialogWithFocusOnCancelAndSendsTheWriteUnacknowledged() {
        var s = onLB2()
        let commands = s.model.handle(.character("p"))
        let write = ListWrite(list: .whitelist, action: .update(entryID: lb2, EntryDraft(tcpProxy: true)), revision: "r42", source: "203.0.113.8")
        #expect(commands == [.write(write)])
        let shown = try? #require(dialog(s))
        #expect(shown?.focus == .cancel)
        #expect(shown?.report == nil)
    }

    @Test func enterOnTheDialogCancels() {
        var s = onLB2()
        s.press(.character("p"), .enter)
        #expect(s.model.overlay == nil)
        #expect(s.daemon.lists.whitelist[1].tcpProxy == false)
        #expect(s.model.pendingChanges.isEmpty)
    }

    @Test func enterOnTheApplyButtonStillDoesNotApply() {
        var s = onLB2()
        s.press(.character("p"), .tab)
        let commands = s.model.handle(.enter)
        #expect(commands.isEmpty)
        #expect(dialog(s)?.hint?.contains("press E") == true)
        #expect(s.daemon.lists.whitelist[1].tcpProxy == false)
    }

    @Test func theDistinctKeyAppliesAsAPendingChange() {
        var s = onLB2()
        s.press(.character("p"), .character("E"))
        #expect(s.model.overlay == nil)
        #expect(s.daemon.lists.whitelist[1].tcpProxy == true)
        #expect(s.model.whitelist?.entries[1].tcpProxy == true)
        #expect(s.model.pendingChanges.map(\.entryID) == [lb2])
        let text = s.screen(80, 24).textLines.joined(separator: "\n")
        #expect(text.contains("PENDING"))
        #expect(text.contains("reverts in 2:00"))
    }

    @Test func applyingWaitsForTheEvidence() {
        var s = onLB2()
        _ = s.model.handle(.character("p"))
        #expect(s.model.handle(.character("E")).isEmpty)
        #expect(dialog(s)?.hint != nil)
    }

    @Test func enablingStatesScopeEvidencePerAddressAndRevertInWords() {
        var s = onLB2()
        s.press(.character("p"))
        let text = words(s)
        #expect(text.contains("WARNING: enable TCP Proxy for 203.0.113.8?"))
        #expect(text.contains("only connections from 203.0.113.8 on imap, pop3 will need a PROXY header; everyone else is unaffected"))
        #expect(text.contains("203.0.113.8 on imap: 12 connections in 15 min, 1 in the last minute, no PROXY header — would be refused"))
        #expect(text.contains("203.0.113.8 sent 48 PROXY headers on imap (2 in the last minute)"))
        #expect(text.contains("reverts in 120 s unless you press c"))
    }

    @Test func wideningAFlaggedEntryInTheFormShowsWhoWouldBeRefused() {
        var s = Scenario()
        s.press(.character("3"), .character("e"))  // lb1, 203.0.113.7, flag on
        for _ in 0..<"203.0.113.7".count { s.press(.backspace) }
        s.type("203.0.113.0/24")
        s.press(.enter)
        let shown = try? #require(dialog(s))
        #expect(shown?.report?.enablesTCPProxy == true)
        #expect(shown?.report?.affected.map(\.source) == ["203.0.113.21"], "lb2 has an entry of its own, more specific")
        #expect(words(s).contains("any of the 256 addresses in 203.0.113.0/24"))
        #expect(s.daemon.lists.whitelist[0].source.description == "203.0.113.7", "nothing is written before E")
    }

    @Test func deletingAFlaggedLoadBalancerSaysItsClientsAreCutOff() {
        var s = Scenario()
        s.press(.character("3"), .character("d"), .character("y"))  // lb1
        #expect(dialog(s)?.report?.affected.contains { $0.source == "203.0.113.7" && $0.outcome == .loadBalancerCutOff } == true)
        #expect(words(s).contains("every client behind it is cut off"))
        #expect(s.daemon.lists.whitelist.count == 5)
        s.press(.character("E"))
        #expect(s.daemon.lists.whitelist.count == 4)
        #expect(s.model.pendingChanges.first?.summary == "remove whitelist entry 203.0.113.7 (haproxy lb1)")
        s.press(.character("u"))
        #expect(s.daemon.lists.whitelist.contains { $0.id == "w1f00d001" }, "undo restores the whole entry")
    }

    @Test func turningTheFlagOffAsksThenShowsTheImpact() {
        var s = Scenario()
        s.press(.character("3"), .character("p"))  // lb1, flag on
        guard case .confirm(let confirm)? = s.model.overlay else { Issue.record("no confirm"); return }
        #expect(confirm.focus == .cancel)
        s.press(.enter)
        #expect(s.daemon.lists.whitelist[0].tcpProxy == true)
        s.press(.character("p"), .character("y"))
        #expect(dialog(s)?.report?.affected.first?.outcome == .loadBalancerCutOff)
        #expect(s.daemon.lists.whitelist[0].tcpProxy == true)
        s.press(.character("E"))
        #expect(s.daemon.lists.whitelist[0].tcpProxy == false)
    }

    @Test func aBlacklistEntryCoveringSeenClientsShowsThem() {
        var s = Scenario()
        s.press(.character("4"), .character("n"))
        s.type("192.0.2.44")
        s.press(.enter)
        #expect(dialog(s)?.report?.affected.map(\.outcome) == [.blacklisted])
        #expect(s.daemon.lists.blacklist.count == 3)
    }

    @Test func aChangeNobodyWouldFeelAppliesAtOnce() {
        var s = Scenario()
        s.press(.character("4"), .character("n"))
        s.type("198.18.9.9")
        s.press(.enter)
        #expect(s.model.overlay == nil)
        #expect(s.daemon.lists.blacklist.count == 4)
        #expect(s.model.pendingChanges.isEmpty)
    }

    @Test func cConfirmsThePendingChange() {
        var s = onLB2()
        s.press(.character("p"), .character("E"), .character("c"))
        #expect(s.model.pendingChanges.isEmpty)
        #expect(s.daemon.lists.whitelist[1].tcpProxy == true)
    }

    @Test func uUndoesItNow() {
        var s = onLB2()
        s.press(.character("p"), .character("E"), .character("u"))
        #expect(s.model.pendingChanges.isEmpty)
        #expect(s.daemon.lists.whitelist[1].tcpProxy == false)
        #expect(s.model.notice?.text.contains("reverted") == true)
    }

    @Test func itRevertsByItselfAtTheDeadline() {
        var s = onLB2()
        s.press(.character("p"), .character("E"))
        s.model.tick(now: ConsoleFixture.goldenNow.addingTimeInterval(121))
        s.daemon.tick(model: &s.model)
        #expect(s.model.pendingChanges.isEmpty)
        #expect(s.model.whitelist?.entries[1].tcpProxy == false)
    }

    @Test func severalPendingChangesAreListedAndCActsOnTheSelectedOne() {
        var s = onLB2()
        s.press(.character("p"), .character("E"))                       // lb2 flag on
        s.press(.character("4"), .character("n"))
        s.type("192.0.2.44")
        s.press(.enter, .character("E"))                                 // blacklist a seen client
        #expect(s.model.pendingChanges.count == 2)
        let banner = s.screen(120, 40).textLines.joined(separator: "\n")
        #expect(banner.contains("2 PENDING CHANGES"))
        s.press(.character("c"))                                         // ambiguous: goes to the list
        #expect(s.model.view == .changes)
        #expect(s.daemon.pending.count == 2)
        let list = s.screen(120, 40).textLines.joined(separator: "\n")
        #expect(list.contains("turn tcp_proxy on for 203.0.113.8 (haproxy lb2)"))
        #expect(list.contains("add blacklist entry 192.0.2.44"))
        s.press(.character("j"), .character("c"))                        // the second one
        #expect(s.daemon.pending.map(\.info.summary) == ["turn tcp_proxy on for 203.0.113.8 (haproxy lb2)"])
        s.press(.character("u"))
        #expect(s.daemon.pending.isEmpty)
        #expect(s.daemon.lists.whitelist[1].tcpProxy == false)
        #expect(s.daemon.lists.blacklist.contains { $0.source.description == "192.0.2.44" })
    }
}
