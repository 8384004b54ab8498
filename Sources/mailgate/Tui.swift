import ArgumentParser
import Console
import ConsoleFixture
import Foundation

/// `mailgate tui`: the ncurses console.
struct Tui: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "The console: live connections and rejects, whitelist and blacklist editor, the TCP Proxy warning.",
        discussion: "Keys:\n" + KeyActions.all.map { "  \($0.keys.map(\.label).joined(separator: " ").padding(toLength: 14, withPad: " ", startingAt: 0)) \($0.description)" }
            .joined(separator: "\n"))

    @OptionGroup var socket: SocketOption

    @Option(help: ArgumentHelp("A theme name (default, light, high-contrast, mono) or a .theme file. Without it, NO_COLOR means mono.",
                               valueName: "NAME|PATH"))
    var theme: String?

    @Flag(help: "Hide and disable every action that changes anything.")
    var readonly = false

    @Flag(help: "Enable the mouse: clicks select rows, tabs and dialog buttons; the wheel scrolls. Off by default.")
    var mouse = false

    @Flag(help: "Show built-in sample data with a pretend daemon, to look at the console without a gate.")
    var fixture = false

    @Flag(help: .hidden) var printKeysMarkdown = false

    func validate() throws {
        if printKeysMarkdown {
            print(KeyActions.markdown(), terminator: "")
            throw ExitCode.success
        }
    }

    func run() throws {
        let chosen: Theme
        do { chosen = try Theme.load(theme) } catch {
            Terminal.printError("\(error)")
            throw ExitCode(1)
        }
        do {
            if fixture {
                try FixtureConsole.run(theme: chosen, readonly: readonly, mouse: mouse)
            } else {
                try ConsoleSession(socketPath: socket.path).run(theme: chosen, readonly: readonly, mouse: mouse)
            }
        } catch {
            Terminal.printError("\(error)")
            throw ExitCode(1)
        }
    }
}
