import AccessPolicy
import ArgumentParser
import ControlClient
import Foundation

/// `--socket PATH`: the control socket of a running daemon. Without it, the socket named
/// by /etc/mailgate/mailgate.toml (when readable), else /run/mailgate/control.sock.
struct SocketOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The daemon's control socket.", valueName: "PATH"))
    var socket: String?

    static let systemConfiguration = "/etc/mailgate/mailgate.toml"

    var path: String {
        if let socket { return socket }
        if let configuration = try? GateConfiguration.load(path: Self.systemConfiguration) { return configuration.control.socket }
        return ControlConfiguration().socket
    }

    /// Runs `body` with a client of the daemon; a daemon that cannot be reached exits 3, a
    /// refusal exits 1, each with its message on stderr.
    func withClient<T: Sendable>(_ body: (ControlClient) async throws -> T) async throws -> T {
        do {
            return try await ControlClient.with(socketPath: path, body)
        } catch let failure as ControlClient.Failure {
            Terminal.printError(failure.description)
            if case .unreachable = failure { throw ExitCode(3) }
            throw ExitCode(1)
        }
    }
}

/// Where a list command works: on the files (`--config FILE`) or through the daemon (the default).
struct ListTarget: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Edit this configuration's files directly instead of asking the daemon.", valueName: "FILE"))
    var config: String?
    @OptionGroup var socket: SocketOption

    func validate() throws {
        if config != nil && socket.socket != nil {
            throw ValidationError("give either --config FILE (edit the files) or --socket PATH (ask the daemon), not both")
        }
    }

    var files: ConfigOption? { config.map(ConfigOption.at) }
}
