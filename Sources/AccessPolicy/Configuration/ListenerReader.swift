import NetAddress

/// Reads the `[[listener]]` tables of `mailgate.toml` and checks them against each other:
/// unique service names, no listen address used twice, no upstream that is the gate itself.
struct ListenerReader {
    let top: TOMLSection

    static let keys = ["service", "listen", "upstream", "upstream_proxy", "proxy_header_timeout",
                       "protocol", "connect_timeout", "idle_timeout"]

    private struct Bound {
        var endpoint: SocketEndpoint
        var text: String
        var owner: String
        var line: Int?
    }

    func readAll() -> [ListenerConfiguration] {
        guard top.has("listener") else {
            top.report("no [[listener]] is defined; the gate needs at least one to listen on", at: .root)
            return []
        }
        guard let sections = top.arrayOfTables("listener") else { return [] }
        var listeners: [ListenerConfiguration] = []
        var serviceLines: [String: Int?] = [:]
        var bound: [Bound] = []
        var upstreams: [(section: TOMLSection, endpoint: SocketEndpoint, text: String)] = []

        for var section in sections {
            let service = readService(&section, seen: &serviceLines)
            section.rejectUnknownKeys(known: Self.keys)
            let listen = readListen(section, bound: &bound)
            var upstream: SocketEndpoint?
            if let text = section.string("upstream", expected: "an \"address:port\" string") {
                upstream = SocketEndpoint(text)
                if let upstream { upstreams.append((section, upstream, text)) }
                else { section.report("upstream \(text.tomlQuoted) is not an address:port", key: "upstream") }
            } else if !section.has("upstream") {
                section.reportMissing("upstream", "the mail server's address:port, e.g. \"127.0.0.1:10143\"")
            }
            let upstreamProxy = section.choice("upstream_proxy", of: UpstreamProxyMode.self) ?? .v2
            let proxyHeaderTimeout = section.duration("proxy_header_timeout") ?? .seconds(3)
            let connectTimeout = section.duration("connect_timeout") ?? .seconds(5)
            let idleTimeout = section.duration("idle_timeout") ?? .seconds(1800)
            var replyProtocol = section.choice("protocol", of: ReplyProtocol.self)
            if replyProtocol == nil, !section.has("protocol"), let service {
                replyProtocol = ReplyProtocol.implied(byService: service)
                if replyProtocol == nil {
                    let choices = ReplyProtocol.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                    section.report("set protocol to one of \(choices): it cannot be told from the service name \(service.tomlQuoted)")
                }
            }
            if let service, let listen, let upstream, let replyProtocol {
                listeners.append(ListenerConfiguration(
                    service: service, listen: listen, upstream: upstream, upstreamProxy: upstreamProxy,
                    proxyHeaderTimeout: proxyHeaderTimeout, replyProtocol: replyProtocol,
                    connectTimeout: connectTimeout, idleTimeout: idleTimeout))
            }
        }

        for (section, endpoint, text) in upstreams {
            if let loop = bound.first(where: { Self.overlap($0.endpoint, endpoint) }) {
                section.report("upstream \(text.tomlQuoted) is the gate's own listen address \(loop.text.tomlQuoted) "
                               + "(\(loop.owner)): it would connect to itself", key: "upstream")
            }
        }
        return listeners
    }

    /// The service name, checked for form and uniqueness; the section's label becomes `listener "name"`.
    private func readService(_ section: inout TOMLSection, seen: inout [String: Int?]) -> String? {
        guard let service = section.string("service", expected: "a service name string") else {
            if !section.has("service") {
                section.reportMissing("service", "the name access entries refer to, e.g. \"imap\"")
            }
            return nil
        }
        let allowed = !service.isEmpty && service.utf8.allSatisfy {
            (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
        guard allowed else {
            section.report("service \(service.tomlQuoted) may hold only a-z, 0-9, \"_\" and \"-\"", key: "service")
            return nil
        }
        section.label = "listener \(service.tomlQuoted)"
        guard service != "all" else {
            section.report("service \"all\" is reserved: in access entries it means every service", key: "service")
            return nil
        }
        if let earlier = seen[service] {
            section.report("service \(service.tomlQuoted) is already defined by the listener\(Self.at(earlier))", key: "service")
            return nil
        }
        seen[service] = section.document.lines.line(of: section.path.appending("service"))
        return service
    }

    /// The listen addresses, each checked against every address bound so far.
    private func readListen(_ section: TOMLSection, bound: inout [Bound]) -> [SocketEndpoint]? {
        guard let texts = section.stringArray("listen", expected: "an array of \"address:port\" strings") else {
            if !section.has("listen") {
                section.reportMissing("listen", "the addresses to accept on, e.g. [\"0.0.0.0:143\", \"[::]:143\"]")
            }
            return nil
        }
        if texts.isEmpty {
            section.report("listen is empty; give at least one address:port, e.g. [\"0.0.0.0:143\"]", key: "listen")
            return nil
        }
        var endpoints: [SocketEndpoint] = []
        var valid = true
        for (text, path) in texts {
            guard let endpoint = SocketEndpoint(text) else {
                section.report("listen \(text.tomlQuoted) is not an address:port (e.g. \"0.0.0.0:143\" or \"[::]:143\")", at: path)
                valid = false
                continue
            }
            let line = section.document.lines.line(of: path)
            if let earlier = bound.first(where: { Self.overlap($0.endpoint, endpoint) }) {
                let verb = earlier.endpoint == endpoint ? "is already used by" : "overlaps \(earlier.text.tomlQuoted) of"
                section.report("listen \(text.tomlQuoted) \(verb) \(earlier.owner)\(Self.at(earlier.line))", at: path)
                valid = false
                continue
            }
            bound.append(Bound(endpoint: endpoint, text: text, owner: section.label, line: line))
            endpoints.append(endpoint)
        }
        return valid ? endpoints : nil
    }

    /// Two endpoints that cannot both be bound: equal, or the same port and family with
    /// one of them the wildcard address.
    static func overlap(_ a: SocketEndpoint, _ b: SocketEndpoint) -> Bool {
        guard a.port == b.port, a.address.family == b.address.family else { return false }
        return a.address == b.address || a.address.isUnspecified || b.address.isUnspecified
    }

    private static func at(_ line: Int?) -> String {
        if let line { " at line \(line)" } else { "" }
    }
}

extension IPAddress {
    /// `0.0.0.0` or `::`.
    var isUnspecified: Bool {
        switch self {
        case .v4(let value): value == 0
        case .v6(let value): value == 0
        }
    }
}
