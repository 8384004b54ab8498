import AccessPolicy
import Testing
@testable import Console

@Suite("Enter shows a row whole: every field, wrapped, also read-only; Esc closes; e edits")
struct DetailPanelTests {
    static let long = "haproxy lb1 in rack B4, second floor; replaced the old pair in November after the 2026-11 outage, "
        + "ask the network team (ticket NET-4411) before touching its TCP Proxy flag because every IMAP client goes through it"

    /// The whitelist with lb1's description made longer than any column.
    func withLongDescription(readonly: Bool = false) -> Scenario {
        var s = Scenario()
        s.press(.character("3"), .character("e"), .tab)
        for _ in 0..<20 { s.press(.backspace) }
        s.type(Self.long)
        s.press(.enter)
        #expect(s.model.whitelist?.entries[0].description == Self.long)
        s.model.readonly = readonly
        return s
    }

    func panel(_ s: Scenario) -> DetailPanel? {
        if case .detail(let panel)? = s.model.overlay { return panel }
        return nil
    }

    func words(_ s: Scenario, _ w: Int = 120, _ h: Int = 40) -> String {
        s.screen(w, h).textLines.joined(separator: " ").replacingOccurrences(of: "│", with: " ")
            .split(separator: " ").joined(separator: " ")
    }

    @Test func enterOpensTheWholeEntryWrappedAndEscClosesIt() {
        var s = withLongDescription()
        s.press(.enter)
        #expect(panel(s)?.entry?.entryID == "w1f00d001")
        #expect(words(s, 80, 24).contains(Self.long))
        #expect(words(s, 80, 24).contains("e edits"))
        s.press(.escape)
        #expect(s.model.overlay == nil)
    }

    @Test func readonlyShowsTheDetailsButNotTheEditKey() {
        var s = withLongDescription(readonly: true)
        s.press(.enter)
        #expect(words(s).contains(Self.long))
        #expect(!words(s).contains("e edits"))
        s.press(.character("e"))
        #expect(panel(s) != nil)
    }

    @Test func eInThePanelOpensTheEditForm() {
        var s = withLongDescription()
        s.press(.enter, .character("e"))
        guard case .form(let form)? = s.model.overlay else { Issue.record("no form: \(String(describing: s.model.overlay))"); return }
        #expect(form.entryID == "w1f00d001")
    }

    @Test func everyTableOpensItsSelectedRow() {
        var s = Scenario()
        for (view, title) in [("1", "Connection c1041"), ("2", "Rejects from 203.0.113.8"), ("4", "Blacklist entry 198.51.100.0/24")] {
            s.press(.character(Character(view)), .enter)
            #expect(panel(s)?.title == title)
            s.press(.escape)
        }
    }

    @Test func theRejectPanelNamesTheReasonInFull() {
        var s = Scenario()
        s.press(.character("2"), .enter)
        #expect(words(s).contains("proxy-header-from-untrusted-source"))
    }

    @Test func goldens() {
        var s = withLongDescription()
        s.press(.enter)
        for (w, h) in Scenario.sizes { Golden.check("detail-entry", s.screen(w, h)) }
        var r = withLongDescription(readonly: true)
        r.press(.enter)
        Golden.check("detail-entry-readonly", r.screen(80, 24))
    }
}
