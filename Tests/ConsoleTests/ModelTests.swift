import AccessPolicy
import Foundation
import MailgateAPI
import MailgateAPI
import NetAddress
import Testing
@testable import Console
@testable import ConsoleFixture

@Suite("The console model: pure updates and keys")
struct ModelTests {
    func reject(_ seq: UInt64, _ peer: String, _ reason: RejectReason, at seconds: Double) -> Event {
        Event(sequence: seq, GateEvent(time: ConsoleFixture.goldenNow.addingTimeInterval(seconds), kind: .rejected, service: "imap",
                                       peer: IPAddress(peer), reason: reason))
    }

    @Test func rejectsAreAggregatedBySourceAndReasonNewestFirst() {
        var m = ConsoleModel(now: ConsoleFixture.goldenNow)
        m.apply(events: [reject(1, "192.0.2.1", .blacklisted, at: -100), reject(2, "192.0.2.2", .proxyHeaderMissing, at: -50),
                         reject(3, "192.0.2.1", .blacklisted, at: -10), reject(4, "192.0.2.1", .proxyHeaderMissing, at: -5)])
        #expect(m.rejects.map(\.source) == ["192.0.2.1", "192.0.2.1", "192.0.2.2"])
        #expect(m.rejects.map(\.reason) == [.proxyHeaderMissing, .blacklisted, .proxyHeaderMissing])
        #expect(m.rejects[1].count == 2)
        #expect(m.rejects[1].perMinute(now: m.now) == 1)
    }

    @Test func repeatedSequencesAfterAReconnectAreIgnored() {
        var m = ConsoleModel(now: ConsoleFixture.goldenNow)
        m.apply(events: [reject(1, "192.0.2.1", .blacklisted, at: -10), reject(2, "192.0.2.1", .blacklisted, at: -5)])
        m.apply(events: [reject(2, "192.0.2.1", .blacklisted, at: -5)])
        #expect(m.rejects.first?.count == 2)
    }

    @Test func spacePausesAndResumeAppliesWhatWasHeld() {
        var m = ConsoleModel(now: ConsoleFixture.goldenNow)
        _ = m.handle(.character(" "))
        #expect(m.paused)
        m.apply(event: reject(1, "192.0.2.1", .blacklisted, at: -1))
        #expect(m.rejects.isEmpty)
        #expect(m.heldEvents.count == 1)
        _ = m.handle(.character(" "))
        #expect(!m.paused)
        #expect(m.rejects.count == 1)
    }

    @Test func aClosedEventRemovesTheConnection() {
        var s = Scenario()
        let e = Event(sequence: 1000, GateEvent(time: s.model.now, kind: .closed, connection: ConnectionID(1057)))
        s.model.apply(event: e)
        #expect(s.model.connections.proxied.count == 2)
        #expect(s.model.connections.count == 6)
    }

    @Test func filterNarrowsAndEscClears() {
        var s = Scenario()
        s.press(.character("3"), .character("/"))
        s.type("lb2")
        #expect(s.model.visibleEntries(.whitelist).map(\.description) == ["haproxy lb2"])
        s.press(.enter)
        #expect(!s.model.editingFilter)
        #expect(s.model.visibleEntries(.whitelist).count == 1)
        s.press(.escape)
        #expect(s.model.visibleEntries(.whitelist).count == 5)
    }

    @Test func tabAndNumbersSwitchViewsAndHelpReturns() {
        var s = Scenario()
        s.press(.tab)
        #expect(s.model.view == .rejects)
        s.press(.backTab, .backTab)
        #expect(s.model.view == .help)
        s.press(.character("4"), .character("?"))
        #expect(s.model.view == .help)
        s.press(.character("?"))
        #expect(s.model.view == .blacklist)
    }

    @Test func helpReturnsToTheViewItWasReachedFromHoweverItWasReached() {
        var s = Scenario()
        s.press(.character("6"), .tab)
        #expect(s.model.view == .help)
        s.press(.character("?"))
        #expect(s.model.view == .history)
        s.press(.character("2"), .backTab, .backTab)
        #expect(s.model.view == .help)
        s.press(.escape)
        #expect(s.model.view == .connections)
    }

    @Test func selectionStaysInsideTheRows() {
        var s = Scenario()
        s.press(.character("4"), .character("k"), .character("G"), .character("j"), .character("j"))
        #expect(s.model.selectedRow(.blacklist) == 2)
    }

    @Test func deleteAsksFirstWithFocusOnCancel() {
        var s = Scenario()
        s.press(.character("4"), .character("d"))
        guard case .confirm(let dialog)? = s.model.overlay else { Issue.record("no confirm"); return }
        #expect(dialog.focus == .cancel)
        s.press(.enter)
        #expect(s.daemon.lists.blacklist.count == 3)
        s.press(.delete, .character("y"))
        #expect(s.daemon.lists.blacklist.count == 2)
        #expect(s.model.blacklist?.entries.count == 2)
    }

    @Test func theFormValidatesAsYouTypeAndSavesOnlyWhenValid() {
        var s = Scenario()
        s.press(.character("3"), .character("n"))
        s.type("203.0.113.300")
        guard case .form(let form)? = s.model.overlay else { Issue.record("no form"); return }
        #expect(form.problem(.source) != nil)
        s.press(.enter)
        guard case .form? = s.model.overlay else { Issue.record("an invalid form was saved"); return }
        s.press(.backspace, .backspace, .character("9"), .tab, .tab)
        s.press(.backspace, .backspace, .backspace)
        s.type("imapx")
        guard case .form(let f2)? = s.model.overlay else { Issue.record("no form"); return }
        #expect(f2.problem(.source) == nil)
        #expect(f2.problem(.services)?.contains("unknown service \"imapx\"") == true)
        s.press(.backspace)
        s.press(.enter)
        #expect(s.model.overlay == nil)
        #expect(s.daemon.lists.whitelist.last?.source.description == "203.0.113.39")
        #expect(s.daemon.lists.whitelist.last?.services == .named(["imap"]))
    }

    @Test func editingKeepsTheFlagAndChangesTheDescription() {
        var s = Scenario()
        s.press(.character("3"), .character("e"), .tab)
        s.press(.backspace, .backspace, .backspace)
        s.type("LB1")
        s.press(.enter)
        #expect(s.daemon.lists.whitelist[0].description == "haproxy LB1")
        #expect(s.daemon.lists.whitelist[0].tcpProxy == true)
    }

    @Test func aStaleRevisionIsRefusedAndReloaded() {
        var s = Scenario()
        s.press(.character("4"))
        s.daemon.revisionNumber += 5  // someone else wrote meanwhile
        s.press(.character("d"), .character("y"))
        #expect(s.daemon.lists.blacklist.count == 3)
        #expect(s.model.notice?.isError == true)
        #expect(s.model.blacklist?.revision == s.daemon.revision)
    }
}
