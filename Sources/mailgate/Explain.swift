import AccessPolicy
import ArgumentParser
import NetAddress

/// `mailgate explain`: what the gate would do with a connection from ADDRESS on SERVICE, and why.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the decision for a source address on a service, and the entry behind it.")

    @OptionGroup var config: ConfigOption
    @Argument(help: "The connecting address (IPv4 or IPv6).") var address: String
    @Argument(help: "The listener service, e.g. imap.") var service: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let (configuration, lists) = try config.loadWithLists()
        guard let ip = IPAddress(address) else {
            Terminal.printError("\"\(address)\" is not an IPv4 or IPv6 address")
            throw ExitCode(1)
        }
        guard let listener = configuration.listeners.first(where: { $0.service == service }) else {
            Terminal.printError("unknown service \"\(service)\"; listeners define: \(configuration.serviceNames.joined(separator: ", "))")
            throw ExitCode(1)
        }
        let policy = AccessPolicy(lists: lists, services: configuration.serviceNames)
        let decision = policy.decision(peer: ip, service: service, proxyHeaderTimeout: listener.proxyHeaderTimeout)
        let report = DecisionExplanation(decision, address: ip, service: service)
        if json {
            try Terminal.printJSON(report)
        } else {
            print(report.explanation)
        }
    }
}
