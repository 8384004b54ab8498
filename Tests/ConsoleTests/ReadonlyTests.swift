import Testing
@testable import Console

@Suite("--readonly hides every action that changes anything")
struct ReadonlyTests {
    @Test func footerAndHelpLeaveOutChangingActions() {
        let footer = KeyActions.footer(for: .whitelist, readonly: true, changePending: true).map(\.id)
        #expect(!footer.contains(.new))
        #expect(!footer.contains(.toggleTCPProxy))
        #expect(!footer.contains(.delete))
        #expect(!footer.contains(.confirmChange))
        #expect(footer.contains(.filter))
        let help = KeyActions.available(readonly: true)
        #expect(help.allSatisfy { !$0.changesState })
    }

    @Test func theKeysDoNothing() {
        var s = Scenario(readonly: true)
        s.press(.character("3"))
        for key: Key in [.character("n"), .character("e"), .character("d"), .delete, .character("p")] {
            #expect(s.model.handle(key).isEmpty)
            #expect(s.model.overlay == nil)
        }
        // Enter shows the entry whole (reading changes nothing).
        #expect(s.model.handle(.enter).isEmpty)
        guard case .detail? = s.model.overlay else { Issue.record("Enter opened no detail panel"); return }
        s.press(.escape)
        let text = s.screen(80, 24).textLines.joined(separator: "\n")
        #expect(text.contains("read-only"))
        #expect(!text.contains("New"))
    }
}
