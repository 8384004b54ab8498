import AccessPolicy
import ArgumentParser
import Daemon
import Logging

/// `mailgate serve`: the gate in the foreground, logging to stderr.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the gate in the foreground (SIGHUP reloads the access file, SIGTERM drains and stops).")

    @OptionGroup var config: ConfigOption
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: Logger.Level = .info

    func run() async throws {
        let (configuration, lists) = try config.loadWithLists()
        do {
            try await Daemon(configuration: configuration, lists: lists, logger: .standardError(level: logLevel),
                             version: MailgateVersion.current).run()
        } catch {
            Terminal.printError(error.description)
            throw ExitCode(1)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
