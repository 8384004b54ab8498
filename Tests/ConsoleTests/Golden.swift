import Foundation
import Testing
@testable import Console
@testable import ConsoleFixture

/// Golden screens: the text of a rendered screen and its colour-role map, compared with
/// `Goldens/NAME-WxH.txt`. `MAILGATE_UPDATE_GOLDENS=1 swift test --filter ConsoleTests`
/// rewrites them; review the diff by eye before committing.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")
    static var updating: Bool { ProcessInfo.processInfo.environment["MAILGATE_UPDATE_GOLDENS"] == "1" }

    static func document(_ buffer: CellBuffer) -> String {
        var lines = buffer.textLines
        lines.append("")
        lines.append("--- colour roles (one letter a cell, see ColorRole.code) ---")
        lines += buffer.roleLines
        return lines.joined(separator: "\n") + "\n"
    }

    static func check(_ name: String, _ buffer: CellBuffer, sourceLocation: SourceLocation = #_sourceLocation) {
        let file = directory.appendingPathComponent("\(name)-\(buffer.width)x\(buffer.height).txt")
        let actual = document(buffer)
        if updating {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try! actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("missing golden \(file.lastPathComponent); run with MAILGATE_UPDATE_GOLDENS=1", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let line = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
            let got = line < a.count ? String(a[line]) : "<end>"
            let want = line < e.count ? String(e[line]) : "<end>"
            try? actual.write(to: file.appendingPathExtension("actual"), atomically: true, encoding: .utf8)
            Issue.record("""
                \(file.lastPathComponent) differs at line \(line + 1) (actual written beside it as .actual):
                  want: \(want)
                  got:  \(got)
                """, sourceLocation: sourceLocation)
        }
    }
}

/// Builds screens from the fixture at the golden clock.
struct Scenario {
    var model: ConsoleModel
    var daemon: FixtureDaemon

    init(readonly: Bool = false) {
        daemon = FixtureDaemon(now: ConsoleFixture.goldenNow)
        model = ConsoleModel(now: ConsoleFixture.goldenNow, link: .fixture, readonly: readonly)
        daemon.load(into: &model)
    }

    /// Presses keys, carrying out the commands against the pretend daemon.
    mutating func press(_ keys: Key...) { press(keys) }
    mutating func press(_ keys: [Key]) {
        for key in keys {
            for command in model.handle(key) { daemon.perform(command, model: &model) }
        }
    }

    mutating func type(_ text: String) { press(text.map { Key.character($0) }) }

    func screen(_ width: Int, _ height: Int) -> CellBuffer { ConsoleScreen.render(model, width: width, height: height) }

    static let sizes = [(80, 24), (120, 40)]
}
