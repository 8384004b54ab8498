import AccessPolicy
import ControlServer
import Foundation
import Gate
import MailgateAPI

/// The checks of `mailgate doctor`, each answering with findings: the configuration as
/// written, the upstreams as they answer, and — when it runs — the daemon as it is.
struct DeploymentChecks {
    var configuration: GateConfiguration
    var lists: AccessLists

    /// Descriptors the gate keeps free besides two per relayed connection (the same reserve
    /// `serve` keeps: the runtime, the listeners, the control API, the files).
    var descriptorReserve: Int {
        DescriptorPlan.reserve(listenSockets: configuration.listeners.reduce(0) { $0 + $1.listen.count },
                               controlConnections: ControlConnectionLimits().maxConnections)
    }

    func upstreams() -> [DoctorFinding] {
        configuration.listeners.map { listener in
            let probe = UpstreamProbe(endpoint: listener.upstream, proxy: listener.upstreamProxy, tls: listener.replyProtocol == .tls)
            return Self.finding(for: listener, probe.run())
        }
    }

    static func finding(for listener: ListenerConfiguration, _ result: UpstreamProbe.Result) -> DoctorFinding {
        let name = "listener \(listener.service) → upstream \(listener.upstream)"
        let check = "upstream.\(listener.service)"
        let mode = listener.upstreamProxy
        switch result {
        case .unreachable(let reason):
            return DoctorFinding(check: check, level: .problem, message: "\(name) does not answer (\(reason)): start the mail server's listener, or fix `upstream`")
        case .reachableTLS:
            return DoctorFinding(check: check, level: .ok, message: "\(name) answers (implicit TLS: the greeting and PROXY mode are not checked)")
        case .greetsWithoutHeader(let greeting) where mode == .none:
            return DoctorFinding(check: check, level: .ok, message: "\(name) answers without a PROXY header, as upstream_proxy = \"none\" expects (\"\(greeting.prefix(40))\")")
        case .greetsWithoutHeader:
            return DoctorFinding(check: check, level: .problem, message: "\(name) greets before any PROXY header: it does not expect one, but upstream_proxy = \"\(mode.rawValue)\" sends one to it on every connection. Enable PROXY on that listener (Dovecot: haproxy = yes; Postfix: smtpd_upstream_proxy_protocol = haproxy), or set upstream_proxy = \"none\" (the mail server then sees only the gate's address)")
        case .greetsAfterLocalHeader where mode == .none:
            return DoctorFinding(check: check, level: .problem, message: "\(name) says nothing until it gets a PROXY header, but upstream_proxy = \"none\" sends none: every client would wait and be dropped. Set upstream_proxy = \"v2\" (or \"v1\"), or turn PROXY mode off on that listener")
        case .greetsAfterLocalHeader(let greeting):
            return DoctorFinding(check: check, level: .ok, message: "\(name) speaks PROXY \(mode.rawValue): a LOCAL health-check header was answered (\"\(greeting.prefix(40))\")")
        case .silent:
            return DoctorFinding(check: check, level: .problem, message: "\(name) accepts connections but never greets, with or without a PROXY \(mode == .v1 ? "v1" : "v2") header: is it the mail service (or an implicit-TLS port: set protocol = \"tls\")?")
        }
    }

    /// Listeners that no entry applies to, and entries that name no listener.
    func coverage() -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let services = Set(configuration.serviceNames)
        let entries = (lists.whitelist + lists.blacklist).filter(\.enabled)
        for service in configuration.serviceNames.sorted() where !entries.contains(where: { $0.services.includes(service) }) {
            findings.append(DoctorFinding(check: "listener.\(service)", level: .info,
                                          message: "listener \(service): no entry applies to it — every client connects directly, nobody is flagged or blacklisted there"))
        }
        for kind in ListKind.allCases {
            for entry in lists[kind] {
                let unknown = entry.services.names.filter { $0 != "all" && !services.contains($0) }
                if !unknown.isEmpty {
                    findings.append(DoctorFinding(check: "entry.\(entry.id)", level: .problem,
                                                  message: "\(kind.rawValue) entry \(entry.source) names \(unknown.joined(separator: ", ")), which no listener serves"))
                }
            }
        }
        return findings
    }

    /// Flagged entries wider than a /24 (IPv4) or a /64 (IPv6): every direct client inside
    /// must then send a PROXY header.
    func wideFlags() -> [DoctorFinding] {
        lists.flaggedLoadBalancers.compactMap { entry in
            let count = AddressCount(entry.source)
            let wide = entry.source.family == .inet ? count.spanMinusOne > 255 : count.spanMinusOne > UInt128(UInt64.max)
            guard wide else { return nil }
            return DoctorFinding(check: "entry.\(entry.id)", level: .warning,
                                 message: "flagged entry \(entry.source) covers \(count.words): every direct client in it must send a PROXY header. Flag only the load balancers' own addresses")
        }
    }

    /// The daemon's descriptor limit against `max_connections`.
    func descriptors(softLimit: Int?) -> DoctorFinding {
        let max = configuration.limits.maxConnections
        let needed = 2 * max + descriptorReserve
        guard let softLimit else {
            return DoctorFinding(check: "descriptors", level: .info, message: "descriptor limit not checked: the daemon's process could not be read")
        }
        if softLimit < needed {
            return DoctorFinding(check: "descriptors", level: .problem,
                                 message: "the daemon may open \(softLimit) descriptors, but max_connections = \(max) needs about \(needed) (two per relayed connection and \(descriptorReserve) spare; serve lowers it to \(Swift.max(0, softLimit - descriptorReserve) / 2) at start): raise LimitNOFILE (systemd) or lower [limits] max_connections")
        }
        return DoctorFinding(check: "descriptors", level: .ok, message: "descriptor limit \(softLimit) carries max_connections = \(max) (needs about \(needed))")
    }

    /// The control socket's owner, group and mode.
    func controlSocket() -> DoctorFinding {
        let path = configuration.control.socket
        var info = stat()
        guard stat(path, &info) == 0 else {
            return DoctorFinding(check: "control-socket", level: .problem, message: "no control socket at \(path): is the daemon running?")
        }
        let mode = info.st_mode & 0o777
        let owner = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "\(info.st_uid)"
        let group = getgrgid(info.st_gid).map { String(cString: $0.pointee.gr_name) } ?? "\(info.st_gid)"
        let described = "control socket \(path): owner \(owner), group \(group), mode \(String(mode, radix: 8))"
        if mode & 0o007 != 0 {
            return DoctorFinding(check: "control-socket", level: .problem, message: "\(described): anyone on this host may change the lists. It must be 0660")
        }
        if let wanted = configuration.control.group, wanted != group {
            return DoctorFinding(check: "control-socket", level: .problem, message: "\(described): [control] group is \(wanted); restart the daemon, or check that it may use that group")
        }
        return DoctorFinding(check: "control-socket", level: mode == 0o660 ? .ok : .warning, message: described + (mode == 0o660 ? "" : " (expected 660)"))
    }

    /// Flagged entries that brought no PROXY header in the last hour.
    func unusedFlags(status: StatusResponse, now: Date = Date()) -> [DoctorFinding] {
        lists.flaggedLoadBalancers.map { entry in
            let check = "entry.\(entry.id)"
            if let last = status.lastProxyHeader?[entry.id] {
                let age = now.timeIntervalSince(last)
                if age > 3600 {
                    return DoctorFinding(check: check, level: .warning, message: "flagged entry \(entry.source) last sent a PROXY header \(Int(age / 60)) min ago: is it still a load balancer? A flag nobody uses lets that address spoof clients")
                }
                return DoctorFinding(check: check, level: .ok, message: "flagged entry \(entry.source) sent a PROXY header \(Int(age)) s ago")
            }
            if status.uptimeSeconds >= 3600 {
                return DoctorFinding(check: check, level: .warning, message: "flagged entry \(entry.source) sent no PROXY header in the last hour (the daemon has run \(Int(status.uptimeSeconds / 3600)) h): is it still a load balancer?")
            }
            return DoctorFinding(check: check, level: .info, message: "flagged entry \(entry.source) sent no PROXY header since the daemon started \(Int(status.uptimeSeconds / 60)) min ago")
        }
    }
}
