import ArgumentParser
import Console
import Demo
import Foundation

/// `mailgate demo`: a gate on loopback in front of built-in greeting upstreams, with
/// synthetic traffic of every kind, and the console on it (or, without a terminal or with
/// `--no-console`, the live event feed). Quitting (q, or Ctrl-C) cleans everything up.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a gate on 127.0.0.1 with sample upstreams, a sample access file and synthetic clients.")

    @Option(help: "First of three consecutive ports for imap, pop3 and smtp.") var basePort = 11143
    @Flag(help: "No synthetic traffic: just the gate and its upstreams.") var quiet = false
    @Flag(help: "Print the live event feed instead of opening the console (also when stdout is not a terminal).")
    var noConsole = false
    @Option(help: ArgumentHelp("Where the demo's control socket goes (default: in its temporary directory).", valueName: "PATH"))
    var socket: String?
    @Option(help: ArgumentHelp("The console's theme (default, light, high-contrast, mono) or a .theme file.", valueName: "NAME|PATH"))
    var theme: String?
    @Flag(help: "Enable the mouse in the console.") var mouse = false

    func run() async throws {
        let console = !noConsole && isatty(STDOUT_FILENO) != 0 && isatty(STDIN_FILENO) != 0
        let chosenTheme: Theme
        do { chosenTheme = try Theme.load(theme) } catch {
            Terminal.printError("\(error)")
            throw ExitCode(1)
        }
        let demo = MailgateDemo(basePort: basePort, syntheticTraffic: !quiet, socketPath: socket,
                                console: console ? .init(theme: chosenTheme, mouse: mouse) : nil,
                                version: MailgateVersion.current)
        do {
            try await demo.run()
        } catch {
            Terminal.printError(error.description)
            throw ExitCode(1)
        }
    }
}
