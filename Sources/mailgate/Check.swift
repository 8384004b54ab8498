import AccessPolicy
import ArgumentParser

/// `mailgate check`: validate the configuration and the access file it names.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate mailgate.toml and its access file; problems are printed as FILE:LINE: message.")

    @OptionGroup var config: ConfigOption

    func run() throws {
        let (configuration, lists) = try config.loadWithLists()
        print("\(configuration.path): ok — \(configuration.listeners.count) listener(s): "
              + configuration.listeners.map { "\($0.service) → \($0.upstream)" }.joined(separator: ", "))
        print("\(configuration.accessFile): ok — \(lists.summary)")
    }
}
