import AccessPolicy
import MailgateAPI
import Testing
@testable import Console
@testable import ConsoleFixture

@Suite("The entry form: its summary, its marks, and a save that waits for the daemon")
struct FormSaveTests {
    func form(_ s: Scenario) -> EntryForm? {
        if case .form(let form)? = s.model.overlay { return form }
        return nil
    }

    func screen(_ s: Scenario) -> String { s.screen(80, 24).textLines.joined(separator: "\n") }

    @Test func theSummaryExplainsTheFocusedFieldNotTheFirst() {
        var s = Scenario()
        s.press(.character("3"), .character("n"))
        s.type("203.0.113.300")
        s.press(.tab, .tab, .backspace, .backspace, .backspace)
        s.type("imapx")
        #expect(form(s)?.focus == .services)
        #expect(screen(s).contains("✗ Services: unknown service \"imapx\""))
        #expect(!screen(s).contains("✗ Source: not an"))
        s.press(.backTab, .backTab)
        #expect(screen(s).contains("✗ Source: not an IPv4 or IPv6 address"))
    }

    @Test func aProblemBesideItsFieldIsCutAtAWordNeverMidWord() {
        var s = Scenario()
        s.press(.character("3"), .character("n"))
        s.type("203.0.113.300")
        let line = s.screen(80, 24).textLines.first { $0.contains("Source ") && $0.contains("203.0.113.300") } ?? ""
        #expect(line.contains("✗ not an IPv4 or IPv6…"), "\(line)")
        #expect(Formatting.clipped("not an IPv4 or IPv6 address", width: 24) == "not an IPv4 or IPv6…")
        #expect(Formatting.wrap("one two three four", width: 9, lines: 1) == ["one two…"])
    }

    @Test func anEmptyFormMarksTheFieldItAsksToFix() {
        var s = Scenario()
        s.press(.character("3"), .character("n"))
        let text = screen(s)
        #expect(text.contains("Fix the fields marked ✗"))
        let sourceLine = s.screen(80, 24).textLines.first { $0.contains("▶ Source") } ?? ""
        #expect(sourceLine.contains("✗ required"), "\(sourceLine)")
        s.press(.enter)
        #expect(form(s)?.saving == nil)
    }

    @Test func aDuplicateSaysTheEntryExistsAndKeepsTheInput() {
        var s = Scenario()
        s.press(.character("3"), .character("n"))
        s.type("203.0.113.7")
        s.press(.enter)
        let kept = form(s)
        #expect(kept?.source == "203.0.113.7")
        #expect(kept?.refusal?.contains("already has an entry for 203.0.113.7") == true)
        #expect(screen(s).contains("Not saved — whitelist already has an entry for 203.0.113.7"))
        #expect(!screen(s).contains("try again"))
        // Editing the source clears the daemon's old answer.
        s.press(.backspace)
        #expect(form(s)?.refusal == nil)
    }

    @Test func onlyAStaleRevisionSaysRetrying() {
        #expect(ConsoleModel.refusalWords(code: "duplicate", message: "whitelist already has an entry for 192.0.2.1 (id w1)")
                == "whitelist already has an entry for 192.0.2.1 (id w1)")
        #expect(ConsoleModel.refusalWords(code: "revision-mismatch", message: "the lists changed").hasSuffix("(the lists were reloaded; try again)"))
    }

    @Test func theFormStaysOpenUntilTheDaemonAnswers() throws {
        var m = ConsoleFixture.model()
        _ = m.handle(.character("3"))
        _ = m.handle(.character("n"))
        for c in "192.0.2.200" { _ = m.handle(.character(c)) }
        let commands = m.handle(.enter)
        guard case .write(let write)? = commands.first else { Issue.record("no write: \(commands)"); return }
        guard case .form(let waiting)? = m.overlay else { Issue.record("the form closed before the answer"); return }
        #expect(waiting.saving == write)
        #expect(ConsoleScreen.render(m, width: 80, height: 24).textLines.joined().contains("Saving…"))
        _ = m.handle(.character("9"))  // the fields stay as sent
        #expect({ if case .form(let f)? = m.overlay { return f.source == "192.0.2.200" }; return false }())
        // Refused: the form shows the daemon's words and keeps the input.
        m.apply(refusal: "Not connected to the daemon: nothing was sent.", to: .write(write))
        guard case .form(let refused)? = m.overlay else { Issue.record("a refusal closed the form"); return }
        #expect(refused.source == "192.0.2.200" && refused.saving == nil)
        #expect(ConsoleScreen.render(m, width: 80, height: 24).textLines.joined().contains("Not saved — Not connected"))
        // Saved: the form closes.
        let again = m.handle(.enter)
        guard case .write(let second)? = again.first else { Issue.record("no second write"); return }
        m.apply(write: EntryWriteResponse(revision: "r43"), for: second)
        #expect(m.overlay == nil)
    }

    @Test func whileTheLinkIsDownTheFormSaysNotSaved() {
        var m = ConsoleFixture.model()
        _ = m.handle(.character("3"))
        _ = m.handle(.character("n"))
        // The link drops while the form is open (no new form opens without one).
        m.apply(link: .reconnecting(attempt: 2, reason: "the daemon closed the connection"))
        let text = ConsoleScreen.render(m, width: 80, height: 24).textLines.joined(separator: "\n")
        #expect(text.contains("Not connected to the daemon: not saved until it is back"))
    }

    @Test func cancellingTheWarningReturnsToTheForm() {
        var s = Scenario()
        s.press(.character("4"), .character("n"))
        s.type("192.0.2.44")
        s.press(.enter)
        guard case .impact(let dialog)? = s.model.overlay else { Issue.record("no warning"); return }
        #expect(dialog.form?.source == "192.0.2.44")
        s.press(.escape)
        #expect(form(s)?.source == "192.0.2.44")
        s.press(.enter, .character("E"))
        #expect(s.model.overlay == nil)
        #expect(s.daemon.lists.blacklist.contains { $0.source.description == "192.0.2.44" })
    }

    @Test func aSaveWithoutALinkKeepsTheFormAndSaysNotSaved() {
        let session = ConsoleSession(socketPath: "/nonexistent/control.sock")
        var m = ConsoleFixture.model()
        _ = m.handle(.character("3"))
        _ = m.handle(.character("n"))
        for c in "192.0.2.201" { _ = m.handle(.character(c)) }
        m.apply(link: .reconnecting(attempt: 1, reason: "the daemon closed the connection"))
        for command in m.handle(.enter) { session.perform(command) }
        session.drain(into: &m)
        guard case .form(let form)? = m.overlay else { Issue.record("the form closed"); return }
        #expect(form.source == "192.0.2.201")
        #expect(form.refusal == "Not connected to the daemon: nothing was sent.")
        let text = ConsoleScreen.render(m, width: 80, height: 24).textLines.joined(separator: "\n")
        #expect(text.contains("Not saved — Not connected to the daemon"))
    }
}
