import Foundation
import Testing
@testable import Console
@testable import ConsoleFixture

@Suite("Without a link nothing is guessed: unknown says so, and what is stale says since when")
struct KnownAndStaleTests {
    static let failed = LinkState.failed(problem: "no control socket at /nonexistent.sock",
                                         fix: "Is the daemon running? Start it (mailgate serve --config FILE), or give --socket PATH.")

    @Test func neverConnectedShowsNothingAsKnownAndOffersNoEdits() {
        var model = ConsoleModel(now: ConsoleFixture.goldenNow, link: Self.failed)
        Golden.check("not-connected", ConsoleScreen.render(model, width: 80, height: 24))
        _ = model.handle(.character("3"))
        Golden.check("not-connected-whitelist", ConsoleScreen.render(model, width: 80, height: 24))
        let commands = model.handle(.character("n"))
        #expect(commands.isEmpty)
        #expect(model.overlay == nil)
        let text = ConsoleScreen.render(model, width: 80, height: 24).textLines.joined(separator: "\n")
        #expect(!text.contains("is empty"))
        #expect(!text.contains("n New"))
        for view in ["2", "4", "5"] {
            _ = model.handle(.character(Character(view)))
            #expect(ConsoleScreen.render(model, width: 80, height: 24).textLines[3].contains("not connected — nothing known"))
        }
    }

    @Test func afterTheLinkDropsEverythingIsStaleAndNothingIsUp() {
        var model = ConsoleFixture.model()
        model.apply(link: .connected)
        model.tick(now: ConsoleFixture.goldenNow.addingTimeInterval(95))
        model.apply(link: .reconnecting(attempt: 2, reason: "the daemon closed the connection"))
        model.tick(now: ConsoleFixture.goldenNow.addingTimeInterval(200))
        let screen = ConsoleScreen.render(model, width: 80, height: 24)
        Golden.check("stale-after-link-lost", screen)
        let text = screen.textLines.joined(separator: "\n")
        #expect(!text.contains("✓ up"))
        #expect(text.contains("last known at 05:01:35Z"))
        _ = model.handle(.character("3"))
        #expect(model.handle(.character("n")).isEmpty && model.overlay == nil)
        Golden.check("stale-whitelist", ConsoleScreen.render(model, width: 80, height: 24))
        model.apply(link: .connected)
        #expect(model.lastLive == nil)
        #expect(ConsoleScreen.render(model, width: 80, height: 24).textLines[1].contains("✓ up"))
    }

    @Test func aRegularFileIsNotASocketEvenWhenConnectSaysRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("console-known-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("control.sock")
        try Data("not a socket".utf8).write(to: file)
        let code = ConsoleSession.errnoCode(for: ConsoleSession.LinkFailure(code: ECONNREFUSED), socket: file.path)
        #expect(code == ENOTSOCK)
        let state = LinkProblem.state(errno: code, socket: file.path, wasConnected: false, attempt: 1)
        guard case .failed(let problem, _) = state else { Issue.record("\(state)"); return }
        #expect(problem == "\(file.path) is not a socket")
        #expect(!problem.contains("stale"))
        let missing = directory.appendingPathComponent("none.sock").path
        #expect(ConsoleSession.errnoCode(for: ConsoleSession.LinkFailure(code: ENOENT), socket: missing) == ENOENT)
    }
}
