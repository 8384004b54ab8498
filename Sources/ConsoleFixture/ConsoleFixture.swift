import AccessPolicy
import Console
import ControlServer
import Foundation
import Gate
import Logging
import MailgateAPI
import NetAddress

/// Sample daemon state for golden screens and `mailgate tui --fixture`: a small mail
/// site with a load balancer, one whose flag is missing, offices, and some attackers.
/// Every time is relative to `now`, so a fixed clock gives fixed screens.
public enum ConsoleFixture {
    /// 2026-11-26 05:00:00 UTC, the clock of the golden screens.
    public static let goldenNow = Date(timeIntervalSince1970: 1_795_669_200)

    static func ip(_ text: String) -> IPAddress { IPAddress(text)! }
    static func endpoint(_ text: String) -> SocketEndpoint { SocketEndpoint(text)! }
    static func source(_ text: String) -> AddressSource { try! AddressSource(parsing: text) }

    public static func status(now: Date, lists: AccessLists, revision: String, pending: [PendingChangeInfo] = [],
                              connections: ConnectionsResponse) -> StatusResponse {
        func listener(_ service: String, _ listen: String, _ upstream: String, _ proxy: String, _ proto: String,
                      _ up: Bool) -> StatusResponse.Listener {
            StatusResponse.Listener(service: service, listen: [listen], upstream: upstream, upstreamProxy: proxy, protocol: proto,
                                    upstreamReachable: up)
        }
        let counts = StatusResponse.Counts(
            open: connections.proxied.count + connections.direct.count + connections.awaitingHeader.count,
            awaitingHeader: connections.awaitingHeader.count, relayingDirect: connections.direct.count,
            relayingProxied: connections.proxied.count, acceptedTotal: 48_213, rejectedTotal: 1_377)
        return StatusResponse(
            version: "0.1.0", started: now.addingTimeInterval(-11_520), uptimeSeconds: 11_520, accessFile: "/etc/mailgate/access.toml",
            revision: revision,
            listeners: [
                listener("imap", "0.0.0.0:143", "127.0.0.1:10143", "v2", "imap", true),
                listener("pop3", "0.0.0.0:110", "127.0.0.1:10110", "v2", "pop3", true),
                listener("smtp", "0.0.0.0:25", "127.0.0.1:10025", "v1", "smtp", false),
                listener("imaps", "0.0.0.0:993", "127.0.0.1:10993", "v2", "tls", true),
            ],
            connections: counts, pendingChanges: pending)
    }

    public static var lists: AccessLists {
        let created = goldenNow.addingTimeInterval(-86_400 * 20)
        return AccessLists(
            whitelist: [
                AccessEntry(id: "w1f00d001", source: source("203.0.113.7"), description: "haproxy lb1",
                            services: .named(["imap", "pop3"]), tcpProxy: true, created: created, by: "alice"),
                AccessEntry(id: "w1f00d002", source: source("203.0.113.8"), description: "haproxy lb2",
                            services: .named(["imap", "pop3"]), tcpProxy: false, created: created, by: "alice"),
                AccessEntry(id: "w1f00d003", source: source("192.0.2.0/24"), description: "head office",
                            services: .all, created: created, by: "bob"),
                AccessEntry(id: "w1f00d004", source: source("2001:db8:100::/48"), description: "branch office (IPv6)",
                            services: .named(["imap", "smtp"]), created: created),
                AccessEntry(id: "w1f00d005", source: source("198.18.0.10-198.18.0.20"), description: "monitoring probes",
                            services: .all, enabled: false, created: created, by: "root"),
            ],
            blacklist: [
                AccessEntry(id: "b0bad0001", source: source("198.51.100.0/24"), description: "brute force, 2026-11",
                            services: .all, created: created, by: "alice"),
                AccessEntry(id: "b0bad0002", source: source("192.0.2.66"), description: "spam bot",
                            services: .named(["smtp"]), created: created, by: "bob"),
                AccessEntry(id: "b0bad0003", source: source("2001:db8:bad::/48"), description: "IMAP scanner",
                            services: .all, created: created),
            ])
    }

    public static func connections(now: Date) -> ConnectionsResponse {
        func c(_ id: UInt64, _ service: String, _ peer: String, _ real: String?, _ entry: (String, String)?,
               _ state: ConnectionState, _ age: Double, _ bytesIn: UInt64, _ bytesOut: UInt64) -> ConnectionSnapshot {
            ConnectionSnapshot(id: ConnectionID(id), service: service, listener: "0.0.0.0:143", peer: endpoint(peer),
                               realClient: real.map(endpoint), entryID: entry?.0, entrySource: entry?.1, state: state,
                               started: now.addingTimeInterval(-age), bytesFromClient: bytesIn, bytesToClient: bytesOut)
        }
        let lb1 = ("w1f00d001", "203.0.113.7")
        let office = ("w1f00d003", "192.0.2.0/24")
        return makeConnections(
            proxied: [
                c(1041, "imap", "203.0.113.7:41822", "100.64.12.5:51000", lb1, .relayingProxied, 1_520, 18_432, 2_301_102),
                c(1057, "imap", "203.0.113.7:41910", "100.64.80.17:49152", lb1, .relayingProxied, 340, 2_210, 88_112),
                c(1063, "pop3", "203.0.113.7:42001", "[2001:db8:7::25]:60001", lb1, .relayingProxied, 12, 120, 4_410),
            ],
            direct: [
                c(1012, "imap", "192.0.2.44:50122", nil, office, .relayingDirect, 7_260, 301_220, 48_100_221),
                c(1060, "smtp", "100.64.200.9:33012", nil, nil, .relayingDirect, 45, 1_812, 633),
                c(1062, "imaps", "[2001:db8:100::12]:50991", nil, nil, .relayingDirect, 20, 5_120, 9_912),
            ],
            awaitingHeader: [
                c(1064, "imap", "203.0.113.7:42017", nil, lb1, .awaitingHeader, 1, 0, 0),
            ])
    }

    static func makeConnections(proxied: [ConnectionSnapshot], direct: [ConnectionSnapshot],
                                awaitingHeader: [ConnectionSnapshot]) -> ConnectionsResponse {
        ConnectionsResponse(proxied: proxied, direct: direct, awaitingHeader: awaitingHeader)
    }

    /// Rejects of the last quarter hour, oldest first, with sequence numbers.
    public static func events(now: Date) -> [Event] {
        var events: [GateEvent] = []
        func add(_ count: Int, every seconds: Double, lastAgo: Double, peer: String, real: String? = nil,
                 service: String, reason: RejectReason) {
            for i in 0..<count {
                events.append(GateEvent(time: now.addingTimeInterval(-lastAgo - Double(count - 1 - i) * seconds), kind: .rejected,
                                        service: service, peer: ip(peer), realClient: real.map(ip), reason: reason))
            }
        }
        add(48, every: 15, lastAgo: 4, peer: "203.0.113.8", service: "imap", reason: .proxyHeaderFromUntrustedSource)
        add(12, every: 50, lastAgo: 31, peer: "198.51.100.23", service: "smtp", reason: .blacklisted)
        add(3, every: 20, lastAgo: 95, peer: "203.0.113.7", real: "198.51.100.77", service: "imap", reason: .blacklisted)
        add(2, every: 3, lastAgo: 240, peer: "203.0.113.7", service: "imap", reason: .proxyHeaderMissing)
        add(5, every: 1, lastAgo: 610, peer: "100.64.3.9", service: "pop3", reason: .connectionLimit)
        add(1, every: 1, lastAgo: 12, peer: "203.0.113.20", service: "smtp", reason: .upstreamUnavailable)
        events.sort { $0.time < $1.time }
        return events.enumerated().map { Event(sequence: UInt64($0.offset + 1), $0.element) }
    }

    /// The sample site's listeners (never bound: the fixture runs no gate).
    public static var listeners: [ListenerConfiguration] {
        func listener(_ service: String, _ port: UInt16, _ upstream: UInt16, _ proxy: UpstreamProxyMode,
                      _ reply: ReplyProtocol) -> ListenerConfiguration {
            ListenerConfiguration(service: service, listen: [endpoint("0.0.0.0:\(port)")], upstream: endpoint("127.0.0.1:\(upstream)"),
                                  upstreamProxy: proxy, replyProtocol: reply)
        }
        return [listener("imap", 143, 10143, .v2, .imap), listener("pop3", 110, 10110, .v2, .pop3),
                listener("smtp", 25, 10025, .v1, .smtp), listener("imaps", 993, 10993, .v2, .tls)]
    }

    /// Connections one exact address made to one service: (measure, last minute, last 15 minutes).
    public struct Traffic: Sendable {
        public var source: IPAddress
        public var service: String
        public var counts: [(TrafficWindows.Measure, Int, Int)]
    }

    /// The traffic behind `observations` that the rejects in `events` do not already count
    /// (lb2's refused headers are among the rejects).
    public static var traffic: [Traffic] {
        [
            Traffic(source: ip("203.0.113.8"), service: "imap", counts: [(.direct, 1, 12)]),
            Traffic(source: ip("203.0.113.7"), service: "imap", counts: [(.proxied, 9, 214)]),
            Traffic(source: ip("203.0.113.7"), service: "pop3", counts: [(.proxied, 2, 31)]),
            Traffic(source: ip("100.64.12.5"), service: "imap", counts: [(.behindProxy, 1, 17)]),
            Traffic(source: ip("203.0.113.21"), service: "imap", counts: [(.direct, 0, 5)]),
            Traffic(source: ip("192.0.2.44"), service: "imap", counts: [(.direct, 1, 311)]),
            Traffic(source: ip("192.0.2.45"), service: "smtp", counts: [(.direct, 0, 40)]),
        ]
    }

    /// What the fixture's gate saw in the last 15 minutes, per exact address, counted by the
    /// daemon's own traffic windows from `events` and `traffic` (lb2's refused headers — it is
    /// a load balancer whose flag is missing —, the head office's direct clients, lb1's
    /// proxied sessions and a client behind it, a webmail host beside the load balancers).
    public static func observations(now: Date) -> [ChangeImpact.Observation] {
        let lists = self.lists
        let policy = AccessPolicy(lists: lists, services: listeners.map(\.service))
        var logger = Logger(label: "mailgate-fixture")
        logger.logLevel = .critical
        let gate = GateState(policy: policy, limits: ConnectionLimits(), logger: logger)
        FixtureServer.seed(gate, policy: policy, now: now)
        return gate.windows.recent(now: Int64(now.timeIntervalSince1970)).map {
            ChangeImpact.Observation(source: $0.source, service: $0.service, lastMinute: $0.lastMinute, last15Minutes: $0.last15Minutes)
        }
    }

    /// The open connections as the impact computation sees them.
    public static func openConnections(_ connections: ConnectionsResponse) -> [ChangeImpact.OpenConnection] {
        (connections.proxied + connections.direct + connections.awaitingHeader).map {
            ChangeImpact.OpenConnection(peer: $0.peer.address, realClient: $0.realClient?.address, service: $0.service,
                                        proxied: $0.state != .relayingDirect)
        }
    }

    /// A model loaded with the fixture, as the console shows it after its first fetches.
    public static func model(now: Date = goldenNow, readonly: Bool = false) -> ConsoleModel {
        var daemon = FixtureDaemon(now: now)
        var model = ConsoleModel(now: now, link: .fixture, readonly: readonly)
        daemon.load(into: &model)
        return model
    }
}
