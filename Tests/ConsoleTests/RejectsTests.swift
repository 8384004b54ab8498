import AccessPolicy
import Foundation
import MailgateAPI
import NetAddress
import Testing
@testable import Console
@testable import ConsoleFixture

@Suite("Rejects: a rate and sparkline, rows that hold still in a flood, and actions that lead to a fix")
struct RejectsTests {
    func onRejects(readonly: Bool = false) -> Scenario {
        var s = Scenario(readonly: readonly)
        s.press(.character("2"))
        return s
    }

    /// Selects the row of a source.
    func select(_ source: String, _ s: inout Scenario) {
        let index = s.model.visibleRejects.firstIndex { $0.source == source }
        s.model.selection[.rejects] = index
        #expect(s.model.selectedReject?.source == source)
    }

    func reject(_ peer: String, _ reason: RejectReason, at time: Date, sequence: UInt64) -> Event {
        Event(sequence: sequence, GateEvent(time: time, kind: .rejected, service: "imap", peer: IPAddress(peer), reason: reason))
    }

    @Test func rowsKeepTheirPlaceUntilTheNextSortAndTheSelectionFollowsItsRow() {
        var s = onRejects()
        select("198.51.100.23", &s)
        let before = s.model.rejects.map(\.source)
        let now = ConsoleFixture.goldenNow.addingTimeInterval(1)
        s.model.tick(now: now)
        for n in 0..<50 { s.model.apply(event: reject("100.64.3.9", .connectionLimit, at: now, sequence: 1000 + UInt64(n))) }
        s.model.apply(event: reject("192.0.2.200", .proxyHeaderMissing, at: now, sequence: 2000))
        #expect(Array(s.model.rejects.map(\.source).prefix(before.count)) == before)
        #expect(s.model.rejects.last?.source == "192.0.2.200")
        #expect(s.model.selectedReject?.source == "198.51.100.23")
        s.model.tick(now: now.addingTimeInterval(RejectActivity.resortSeconds))
        #expect(s.model.rejects.first?.source == "100.64.3.9")
        #expect(s.model.selectedReject?.source == "198.51.100.23")
    }

    @Test func theRateCountsTheLastMinuteByReason() {
        var s = onRejects()
        let now = ConsoleFixture.goldenNow.addingTimeInterval(1)
        s.model.tick(now: now)
        let before = s.model.rejectActivity.total(lastSeconds: 60, now: now)
        for n in 0..<120 { s.model.apply(event: reject("100.64.3.9", .connectionLimit, at: now, sequence: 1000 + UInt64(n))) }
        #expect(s.model.rejectActivity.total(lastSeconds: 60, now: now) == before + 120)
        #expect(s.model.rejectActivity.rate(now: now, reason: .connectionLimit) == 2)
        #expect(s.model.rejectActivity.reasons.first == .connectionLimit)
        let words = s.screen(120, 40).textLines.joined(separator: "\n")
        #expect(words.contains("2.0/s"))
        // Five minutes later the flood has left the window.
        s.model.tick(now: now.addingTimeInterval(Double(RejectActivity.windowSeconds) + 1))
        #expect(s.model.rejectActivity.total(lastSeconds: 60, now: s.model.now, reason: .connectionLimit) == 0)
    }

    @Test func sparklineScalesToThePeak() {
        #expect(Sparkline.text([0, 1, 2, 4]) == " ▂▄█")
        #expect(Sparkline.rate(0.05) == "<0.1/s")
        #expect(Sparkline.rate(1234) == "1,234/s")
    }

    @Test func openJumpsToTheDecidingEntrySelected() {
        var s = onRejects()
        select("198.51.100.23", &s)
        s.press(.character("o"))
        #expect(s.model.view == .blacklist)
        #expect(s.model.selectedEntry(.blacklist)?.id == "b0bad0001")
    }

    @Test func openWithoutAnEntrySaysSo() {
        var s = onRejects()
        select("203.0.113.20", &s)
        s.press(.character("o"))
        #expect(s.model.view == .rejects)
        #expect(s.model.notice?.text.contains("No whitelist or blacklist entry matches 203.0.113.20") == true)
    }

    @Test func explainShowsTheCLIsWordsPerService() {
        var s = onRejects(readonly: true)
        select("198.51.100.23", &s)
        s.press(.character("x"))
        guard case .detail(let panel)? = s.model.overlay else { Issue.record("no panel"); return }
        let now = panel.fields.first { $0.label == "Now on smtp" }?.value
        #expect(now == "reject blacklisted (blacklist 198.51.100.0/24 \"brute force, 2026-11\")")
        Golden.check("rejects-explain", s.screen(80, 24))
    }

    @Test func blacklistingAsksFirstThenGoesThroughTheImpactDialog() {
        var s = onRejects()
        select("203.0.113.8", &s)
        s.press(.character("b"))
        guard case .confirm(let question)? = s.model.overlay else { Issue.record("no question"); return }
        #expect(question.title == "Blacklist 203.0.113.8?")
        s.press(.character("y"))
        guard case .impact(let dialog)? = s.model.overlay else { Issue.record("no impact dialog"); return }
        #expect(dialog.report?.requiresAcknowledgement == true)
        Golden.check("rejects-blacklist-impact", s.screen(80, 24))
        s.press(.character("E"))
        #expect(s.daemon.lists.blacklist.contains { "\($0.source)" == "203.0.113.8" })
        #expect(s.model.pendingChanges.count == 1)
    }

    @Test func flaggingAnUnflaggedBalancerSetsTCPProxyThroughTheDialog() {
        var s = onRejects()
        select("203.0.113.8", &s)
        let commands = s.model.handle(.character("f"))
        guard case .write(let write)? = commands.first, case .update(let id, let draft) = write.action else {
            Issue.record("no update: \(commands)"); return
        }
        #expect(id == "w1f00d002")
        #expect(draft.tcpProxy == true)
        for command in commands { s.daemon.perform(command, model: &s.model) }
        s.press(.character("E"))
        #expect(s.daemon.lists.whitelist[1].tcpProxy == true)
        #expect(s.model.pendingChanges.map(\.entryID) == ["w1f00d002"])
    }

    @Test func flagIsOnlyForSourcesThatSentHeadersUnflagged() {
        var s = onRejects()
        select("198.51.100.23", &s)
        #expect(s.model.handle(.character("f")).isEmpty)
        #expect(s.model.overlay == nil)
        #expect(s.model.notice?.text.contains("proxy-header-from-untrusted-source") == true)
    }

    @Test func readonlyMayOpenAndExplainButNotWrite() {
        var s = onRejects(readonly: true)
        select("203.0.113.8", &s)
        #expect(s.model.handle(.character("b")).isEmpty)
        #expect(s.model.handle(.character("f")).isEmpty)
        #expect(s.model.overlay == nil)
        s.press(.character("o"))
        #expect(s.model.view == .whitelist)
    }
}

extension RejectsTests {
    @Test func flaggingASourceWithoutItsOwnEntryAddsOneForTheAddressAlone() {
        var s = onRejects()
        let time = ConsoleFixture.goldenNow
        s.model.apply(event: reject("192.0.2.77", .proxyHeaderFromUntrustedSource, at: time, sequence: 5000))
        select("192.0.2.77", &s)
        let commands = s.model.handle(.character("f"))
        guard case .write(let write)? = commands.first, case .add(let draft) = write.action else { Issue.record("no add: \(commands)"); return }
        #expect(write.list == .whitelist)
        #expect(draft.source == "192.0.2.77")
        #expect(draft.tcpProxy == true)
        #expect(draft.services == ["imap"])
        guard case .impact(let dialog)? = s.model.overlay else { Issue.record("no dialog"); return }
        #expect(dialog.title == "add 192.0.2.77 as a load balancer (TCP Proxy on)?")
    }
}
