import ArgumentParser
import Foundation

/// `mailgate`: the gate, its checks, and the access-list editor.
/// Exit codes: 0 ok, 1 refused or invalid, 2 usage, 3 daemon unreachable.
@main
struct Mailgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailgate",
        abstract: "A per-source PROXY-protocol gate in front of a mail server.",
        discussion: """
            Only sources whose whitelist entry has tcp_proxy must start with a PROXY v1/v2 header;
            everyone else connects directly. See README.md for the configuration files.
            """,
        version: MailgateVersion.current,
        subcommands: [
            Serve.self, Check.self, Explain.self, WhitelistCommand.self, BlacklistCommand.self,
            Status.self, Connections.self, Events.self, Confirm.self, Revert.self, Doctor.self, DemoCommand.self, Tui.self,
        ]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            // ArgumentParser says 64 for usage errors; our contract says 2.
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

enum MailgateVersion {
    static let current = "0.1.0"
}
