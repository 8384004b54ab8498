import Foundation
import Testing
@testable import Console

@Suite("Every screen renders at any size without losing the footer or the dialog's keys")
struct ScreenSizeTests {
    static let states: [(String, @Sendable (inout Scenario) -> Void)] = [
        ("connections", { _ in }),
        ("rejects", { $0.press(.character("2")) }),
        ("whitelist", { $0.press(.character("3")) }),
        ("blacklist", { $0.press(.character("4")) }),
        ("help", { $0.press(.character("?")) }),
        ("warning", { $0.press(.character("3"), .character("j"), .character("p")) }),
        ("form", { $0.press(.character("3"), .character("n")); $0.type("2001:db8::/129") }),
        ("delete", { $0.press(.character("4"), .character("d")) }),
        ("pending", { $0.press(.character("3"), .character("j"), .character("p"), .character("E")) }),
    ]

    @Test(arguments: [(80, 24), (81, 25), (100, 30), (132, 43), (200, 60), (20, 5), (0, 0)])
    func rendersAt(_ size: (Int, Int)) {
        for (name, setUp) in Self.states {
            var s = Scenario()
            setUp(&s)
            let screen = s.screen(size.0, size.1)
            #expect(screen.width == size.0 && screen.height == size.1)
            let text = screen.textLines.joined(separator: "\n")
            if size.0 >= 80, size.1 >= 24 {
                #expect(screen.textLines.last?.hasPrefix("? Help") == true, "\(name) at \(size) lost its footer")
                if name == "warning" { #expect(text.contains("[ Cancel ]"), "\(name) at \(size) lost Cancel") }
                if name == "form" { #expect(text.contains("✗ prefix length"), "\(name) at \(size) lost the field error") }
            } else if size.0 >= 40 {
                #expect(text.contains("Terminal too small"))
            }
        }
    }

    @Test func aThemeIsLoadedFromAPath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mailgate-test-\(getpid()).theme").path
        try "normal white black\nbanner yellow red bold,underline\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let theme = try Theme.load(path, environment: [:])
        #expect(theme.style(.banner) == ThemeStyle(foreground: .indexed(3), background: .indexed(1), attributes: [.bold, .underline]))
        #expect(theme.style(.selected) == theme.style(.normal))
    }
}
