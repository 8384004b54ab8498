import Testing
@testable import Console
@testable import ConsoleFixture

@Suite("Golden screens at 80×24 and 120×40, fixture data, fixed clock")
struct GoldenScreenTests {
    func checkBothSizes(_ name: String, _ scenario: Scenario, sourceLocation: SourceLocation = #_sourceLocation) {
        for (w, h) in Scenario.sizes { Golden.check(name, scenario.screen(w, h), sourceLocation: sourceLocation) }
    }

    @Test func connectionsView() {
        checkBothSizes("connections", Scenario())
    }

    @Test func rejectsView() {
        var s = Scenario()
        s.press(.character("2"))
        checkBothSizes("rejects", s)
    }

    @Test func whitelistView() {
        var s = Scenario()
        s.press(.character("3"), .character("j"))
        checkBothSizes("whitelist", s)
    }

    @Test func blacklistView() {
        var s = Scenario()
        s.press(.character("4"))
        checkBothSizes("blacklist", s)
    }

    @Test func helpView() {
        var s = Scenario()
        s.press(.character("?"))
        checkBothSizes("help", s)
    }

    @Test func helpViewReadonly() {
        var s = Scenario(readonly: true)
        s.press(.character("?"))
        checkBothSizes("help-readonly", s)
    }

    @Test func tcpProxyWarningDialog() {
        var s = Scenario()
        s.press(.character("3"), .character("j"), .character("p"))
        checkBothSizes("tcp-proxy-warning", s)
    }

    @Test func tcpProxyWarningWaitingForEvidence() {
        var s = Scenario()
        s.press(.character("3"), .character("j"))
        _ = s.model.handle(.character("p"))  // the impact request is not answered
        Golden.check("tcp-proxy-warning-waiting", s.screen(80, 24))
    }

    @Test func formWithValidationError() {
        var s = Scenario()
        s.press(.character("3"), .character("n"))
        s.type("203.0.113.300")
        s.press(.tab)
        s.type("new relay")
        checkBothSizes("form-error", s)
    }

    @Test func emptyFormMarksTheRequiredField() {
        var s = Scenario()
        s.press(.character("3"), .character("n"))
        Golden.check("form-empty", s.screen(80, 24))
    }

    @Test func aRefusedSaveStaysInTheFormWithTheDaemonsWords() {
        var s = Scenario()
        s.press(.character("3"), .character("n"))
        s.type("203.0.113.7")
        s.press(.tab)
        s.type("lb1 again")
        s.press(.enter)
        s.model.apply(link: .reconnecting(attempt: 2, reason: "the daemon closed the connection"))
        Golden.check("form-refused-offline", s.screen(80, 24))
    }

    @Test func pendingChangeBanner() {
        var s = Scenario()
        s.press(.character("3"), .character("j"), .character("p"), .character("E"))
        s.model.tick(now: ConsoleFixture.goldenNow.addingTimeInterval(6))
        checkBothSizes("pending-banner", s)
    }

    @Test func deletingAFlaggedBalancerShowsTheImpact() {
        var s = Scenario()
        s.press(.character("3"), .character("d"), .character("y"))
        checkBothSizes("delete-impact", s)
    }

    @Test func changesViewListsEveryPendingChange() {
        var s = Scenario()
        s.press(.character("3"), .character("j"), .character("p"), .character("E"))
        s.model.tick(now: ConsoleFixture.goldenNow.addingTimeInterval(30))
        s.press(.character("4"), .character("n"))
        s.type("192.0.2.44")
        s.press(.enter, .character("E"), .character("5"))
        s.model.tick(now: ConsoleFixture.goldenNow.addingTimeInterval(45))
        checkBothSizes("changes", s)
    }

    @Test func filteredRejects() {
        var s = Scenario()
        s.press(.character("2"), .character("/"))
        s.type("203.0.113")
        Golden.check("rejects-filter", s.screen(80, 24))
    }

    @Test func daemonUnreachableIsExplainedWithTheFix() {
        var s = Scenario()
        s.model.apply(link: .failed(problem: "no control socket at /run/mailgate/control.sock",
                                    fix: "Is the daemon running? Start it with `mailgate serve`, or give --socket PATH."))
        Golden.check("link-failed", s.screen(80, 24))
    }

    @Test func reconnectingIsShownInTheTopBar() {
        var s = Scenario()
        s.model.apply(link: .reconnecting(attempt: 3, reason: "daemon restarted"))
        s.press(.character(" "))
        Golden.check("link-reconnecting-paused", s.screen(80, 24))
    }

    @Test func terminalTooSmall() {
        let s = Scenario()
        Golden.check("too-small", s.screen(60, 20))
        Golden.check("too-small", s.screen(79, 24))
    }
}
