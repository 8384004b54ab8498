import AccessPolicy
import ArgumentParser
import Foundation

/// `--config FILE`: where `mailgate.toml` is.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "FILE"))
    var config: String = "/etc/mailgate/mailgate.toml"

    /// The option as if `--config path` had been given.
    static func at(_ path: String) -> ConfigOption {
        var option = ConfigOption()
        option.config = path
        return option
    }

    /// Loads and validates the configuration, or prints every problem and exits 1.
    func load() throws -> GateConfiguration {
        do {
            return try GateConfiguration.load(path: config)
        } catch {
            Terminal.printProblems(error.problems)
            throw ExitCode(1)
        }
    }

    /// The configuration and the access lists it names, or every problem of both and exit 1.
    func loadWithLists(createIfMissing: Bool = false) throws -> (GateConfiguration, AccessLists) {
        let configuration = try load()
        do {
            return (configuration, try configuration.loadAccessLists(createIfMissing: createIfMissing))
        } catch {
            Terminal.printProblems(error.problems)
            throw ExitCode(1)
        }
    }
}

/// Small output helpers shared by the subcommands.
enum Terminal {
    static func printError(_ text: String) {
        FileHandle.standardError.write(Data("mailgate: \(text)\n".utf8))
    }

    static func printWarning(_ text: String) {
        FileHandle.standardError.write(Data("mailgate: warning: \(text)\n".utf8))
    }

    static func printProblems(_ problems: [ConfigurationProblem]) {
        let text = problems.map(\.description).joined(separator: "\n")
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        print(String(decoding: data, as: UTF8.self))
    }

    /// Asks a yes/no question on the terminal; false when there is no terminal to ask.
    static func confirm(_ question: String) -> Bool {
        guard isatty(STDIN_FILENO) != 0 else { return false }
        print(question + " Type 'yes' to continue: ", terminator: "")
        fflush(nil)
        return readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes"
    }
}
