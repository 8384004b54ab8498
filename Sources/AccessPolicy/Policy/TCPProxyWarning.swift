/// The words shown before a TCP Proxy flag is turned on (CLI prompt, console dialog):
/// exactly who will need a PROXY header, and that everyone else is unaffected.
public enum TCPProxyWarning {
    public static func scope(of entry: AccessEntry, services known: [String]) -> String {
        let names = entry.services == .all ? known.sorted() : entry.services.names
        let on = names.isEmpty ? "any service" : names.joined(separator: ", ")
        return "only connections from \(entry.source) on \(on) will need a PROXY header; everyone else is unaffected"
    }

    /// The whole warning, one sentence a line.
    public static func lines(for entry: AccessEntry, services known: [String]) -> [String] {
        [
            "Enabling TCP Proxy for \(entry.source)\(entry.description.isEmpty ? "" : " (\(entry.description))"):",
            scope(of: entry, services: known) + ".",
            "Connections from \(entry.source) that do not start with a PROXY v1/v2 header will be REFUSED (proxy-header-missing).",
            "Only do this if \(entry.source) is a load balancer configured to send the PROXY protocol.",
        ]
    }
}
