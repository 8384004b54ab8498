import AccessPolicy
import ArgumentParser
import Logging

/// `mailgate serve`: the gate in the foreground, logging to stderr.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the gate in the foreground (SIGHUP reloads the access file, SIGTERM drains and stops).")

    @OptionGroup var config: ConfigOption
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: Logger.Level = .info

    func run() async throws {
        let (configuration, lists) = try config.loadWithLists()
        try await GateRunner(configuration: configuration, lists: lists, logger: GateRunner.makeLogger(level: logLevel)).run()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
