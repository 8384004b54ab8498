import Foundation
import Testing
@testable import Console
@testable import ConsoleFixture

@Suite("The mouse (--mouse): clicks on tabs, rows, fields and dialog buttons, hit-tested headless")
struct MouseTests {
    /// The fixture console in the headless backend; each key or click is one step of the loop.
    final class Console {
        let backend = HeadlessBackend(width: 100, height: 30)
        let app: ConsoleApp

        init() {
            var daemon = FixtureDaemon(now: ConsoleFixture.goldenNow)
            var model = ConsoleModel(now: ConsoleFixture.goldenNow, link: .fixture)
            daemon.load(into: &model)
            app = ConsoleApp(model: model, backend: backend, clock: { ConsoleFixture.goldenNow },
                             perform: { daemon.perform($0, model: &$1) })
            app.step()
        }

        func press(_ keys: Key...) {
            for key in keys {
                backend.pendingKeys.append(key)
                app.step()  // reads the key
                app.step()  // draws what it did
            }
        }

        /// Clicks the first cell of the first place `text` is shown.
        func click(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
            for (y, line) in backend.screen.textLines.enumerated() {
                if let range = line.range(of: text) {
                    press(.click(x: line.distance(from: line.startIndex, to: range.lowerBound), y: y))
                    return
                }
            }
            Issue.record("\"\(text)\" is not on the screen:\n\(backend.text)", sourceLocation: sourceLocation)
        }
    }

    @Test func mouseReportsBecomeKeys() {
        #expect(Key.mouse(x: 3, y: 4, buttons: .leftPress) == .click(x: 3, y: 4))
        #expect(Key.mouse(x: 3, y: 4, buttons: .wheelUp) == .wheel(-1))
        #expect(Key.mouse(x: 3, y: 4, buttons: .wheelDown) == .wheel(1))
        #expect(Key.mouse(x: 3, y: 4, buttons: []) == nil)
    }

    @Test func aClickOnATabShowsItsView() {
        let console = Console()
        console.click("4 Blacklist")
        #expect(console.app.model.view == .blacklist)
        console.click("? Help")
        console.click("[? Help]")
        #expect(console.app.model.view == .help)
    }

    @Test func aClickOnARowSelectsIt() {
        let console = Console()
        console.press(.character("3"))
        console.click("haproxy lb2")
        #expect(console.app.model.selectedEntry(.whitelist)?.description == "haproxy lb2")
        console.click("monitoring probes")
        #expect(console.app.model.selectedEntry(.whitelist)?.description == "monitoring probes")
        // The header is not a row.
        console.click("Source")
        #expect(console.app.model.selectedEntry(.whitelist)?.description == "monitoring probes")
    }

    @Test func dialogButtonsAnswerClicksAndTheRestOfTheScreenWaits() {
        let console = Console()
        console.press(.character("4"), .character("d"))
        console.click("1 Connections")  // behind the dialog: ignored
        #expect(console.app.model.view == .blacklist)
        console.click("[ Cancel ]")
        #expect(console.app.model.overlay == nil)
        #expect(console.app.model.blacklist?.entries.count == 3)
        console.press(.character("d"))
        console.click("[ Delete (y) ]")
        #expect(console.app.model.overlay == nil)
        #expect(console.app.model.blacklist?.entries.count == 2)
    }

    @Test func aClickNeverAppliesTheWarning() {
        let console = Console()
        console.press(.character("3"), .character("j"), .character("p"))
        console.click("Apply: press E")
        guard case .impact(let dialog)? = console.app.model.overlay else { Issue.record("the warning closed"); return }
        #expect(dialog.focus == .apply)
        #expect(console.backend.text.contains("A click never applies"))
        console.click("[ Cancel ]")
        #expect(console.app.model.overlay == nil)
        #expect(console.app.model.pendingChanges.isEmpty)
    }

    @Test func aClickOnAFormFieldFocusesIt() {
        let console = Console()
        console.press(.character("3"), .character("n"))
        console.click("Services     all")  // the field, not the table's column behind the form
        guard case .form(let form)? = console.app.model.overlay else { Issue.record("no form"); return }
        #expect(form.focus == .services)
    }
}
