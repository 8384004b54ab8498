import Foundation
import Testing
@testable import Console
@testable import ConsoleFixture

@Suite("Cell buffer, table layout, themes, the actions table, the main loop")
struct TerminalLayerTests {
    @Test func wideCharactersTakeTwoCellsAndAreClippedWhole() {
        var b = CellBuffer(width: 5, height: 1)
        let end = b.write("a漢b", x: 0, y: 0, role: .normal)
        #expect(end == 4)
        #expect(b[1, 0].text == "漢")
        #expect(b[2, 0].isContinuation)
        b.write("xx漢", x: 2, y: 0, role: .normal)
        #expect(b[1, 0].text == " ")  // the orphaned wide char is blanked
        #expect(b.textLines == ["a xx "])
    }

    @Test func narrowTablesDropTheLeastImportantColumnsFirst() {
        let table = Table(columns: ConnectionsView.columns, rows: [], selected: nil)
        let wide = table.layout(width: 118)
        #expect(wide.allSatisfy { $0 > 0 })
        let narrow = table.layout(width: 60)
        #expect(narrow[0] > 0 && narrow[1] > 0)  // service and peer stay
        #expect(narrow[5] == 0)  // bytes go first
        #expect(narrow.reduce(0, +) + narrow.filter { $0 > 0 }.count - 1 <= 60)
    }

    @Test func aLongTableScrollsToKeepTheSelectionVisible() {
        let rows: [TableRow] = (0..<30).map { .data(["row \($0)"]) }
        var buffer = CellBuffer(width: 20, height: 10)
        Table(columns: [TableColumn("Name", min: 5, width: 10)], rows: rows, selected: 29)
            .render(into: &buffer, buffer.bounds)
        #expect(buffer.textLines[9].hasPrefix("▶ row 29"))
        #expect(buffer.textLines[1].hasPrefix("  row 21"))
        var top = CellBuffer(width: 20, height: 10)
        Table(columns: [TableColumn("Name", min: 5, width: 10)], rows: rows, selected: 0).render(into: &top, top.bounds)
        #expect(top.textLines[1].hasPrefix("▶ row 0"))
        #expect(top.textLines[9].contains("more"))
    }

    @Test func builtInThemesParseAndEqualTheFilesInThemes() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for name in BuiltinThemes.names {
            let theme = try Theme.load(name, environment: [:])
            #expect(ColorRole.allCases.allSatisfy { theme.styles[$0] != nil }, "\(name) misses a role")
            let file = try String(contentsOf: root.appendingPathComponent("themes/\(name).theme"), encoding: .utf8)
            #expect(file.trimmingCharacters(in: .newlines) == BuiltinThemes.text[name]!.trimmingCharacters(in: .newlines),
                    "run scripts/generate-builtin-themes.py")
        }
    }

    @Test func everyRoleIsDocumented() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("themes/README.md"), encoding: .utf8)
        for role in ColorRole.allCases { #expect(readme.contains("`\(role.rawValue)`"), "\(role.rawValue) undocumented") }
    }

    @Test func noColorMeansMonoUnlessAThemeIsAskedFor() throws {
        #expect(try Theme.load(nil, environment: ["NO_COLOR": "1"]).name == "mono")
        #expect(try Theme.load(nil, environment: ["NO_COLOR": ""]).name == "default")
        #expect(try Theme.load("default", environment: ["NO_COLOR": "1"]).name == "default")
        #expect(try Theme.load("high-contrast", environment: ["NO_COLOR": "1"]).name == "high-contrast")
    }

    @Test func withoutColourTheWarningStillLooksLikeAWarning() throws {
        let mono = try Theme.load("mono", environment: [:])
        #expect(mono.style(.danger).attributes.contains(.reverse))
        #expect(mono.style(.danger) != mono.style(.dialog))
        #expect(CursesBackend.reverseWithoutColour.isSuperset(of: [.danger, .dangerTitle]))
        // A border of its own and the word, whatever the colours.
        var s = Scenario()
        s.press(.character("3"), .character("j"), .character("p"))
        let warning = s.screen(80, 24).textLines.joined(separator: "\n")
        #expect(warning.contains("╔") && warning.contains("WARNING"))
        var d = Scenario()
        d.press(.character("4"), .character("d"))
        let ordinary = d.screen(80, 24).textLines.joined(separator: "\n")
        #expect(ordinary.contains("┌") && !ordinary.contains("╔"))
    }

    @Test func aBadThemeLineIsNamed() throws {
        let problem = try #require(throws: Theme.Problem.self) {
            try Theme(name: "x", text: "normal default default\nbogus red blue\n", file: "x.theme")
        }
        #expect(problem.description.hasPrefix("x.theme:2: unknown role \"bogus\""))
    }

    @Test func theMarkdownKeyListHasEveryAction() {
        let markdown = KeyActions.markdown()
        #expect(markdown.contains("| `p` | Toggle TCP Proxy"))
        #expect(markdown.split(separator: "\n").count == KeyActions.all.count + 2)
        #expect(!KeyActions.markdown(readonly: true).contains("`n`"))
    }

    /// The README's key table is the generated one, word for word (regenerate it with
    /// `KeyActions.markdown()` when the keys change).
    @Test func theReadmeKeyTableIsTheGeneratedOne() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        #expect(text.contains(KeyActions.markdown()))
    }

    @Test func keysAreNotBoundTwiceInOneView() {
        for view in ConsoleView.allCases {
            let keys = KeyActions.all.filter { $0.applies(in: view) }.flatMap(\.keys)
            #expect(Set(keys).count == keys.count, "\(view)")
        }
    }

    @Test func theLoopRendersIntoTheHeadlessBackendAndQuits() {
        let backend = HeadlessBackend(width: 80, height: 24)
        backend.pendingKeys = [.character("2"), .character("q")]
        var daemon = FixtureDaemon(now: ConsoleFixture.goldenNow)
        var model = ConsoleModel(now: ConsoleFixture.goldenNow, link: .fixture)
        daemon.load(into: &model)
        let app = ConsoleApp(model: model, backend: backend, clock: { ConsoleFixture.goldenNow },
                             perform: { daemon.perform($0, model: &$1) })
        app.run()
        #expect(app.model.quitRequested)
        #expect(backend.flushCount == 2)
        #expect(backend.text.contains("Rejects since"))
    }

    @Test func tooSmallOnlyListensToQuit() {
        let backend = HeadlessBackend(width: 60, height: 20)
        backend.pendingKeys = [.character("3"), .character("q")]
        let app = ConsoleApp(model: ConsoleFixture.model(), backend: backend, clock: { ConsoleFixture.goldenNow },
                             perform: { _, _ in })
        app.run()
        #expect(app.model.view == .connections)
        #expect(backend.text.contains("needs at least 80×24"))
    }
}
