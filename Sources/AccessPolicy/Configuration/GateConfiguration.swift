import NetAddress

/// How the gate speaks to an upstream about the real client.
public enum UpstreamProxyMode: String, Sendable, CaseIterable {
    case none, v1, v2
}

/// Which protocol a listener speaks, for the wording of reject replies.
/// `tls` (implicit TLS) and `none` get no reply: the connection is just closed.
public enum ReplyProtocol: String, Sendable, CaseIterable {
    case imap, pop3, smtp, tls, none

    /// The protocol implied by a conventional service name, or nil when it has to be said.
    public static func implied(byService service: String) -> ReplyProtocol? {
        switch service.lowercased() {
        case "imap": .imap
        case "pop3", "pop": .pop3
        case "smtp", "submission", "lmtp": .smtp
        case "imaps", "pop3s", "smtps", "submissions": .tls
        default: nil
        }
    }
}

/// One `[[listener]]`: a service, the addresses it listens on, and its upstream.
public struct ListenerConfiguration: Hashable, Sendable {
    public var service: String
    public var listen: [SocketEndpoint]
    public var upstream: SocketEndpoint
    public var upstreamProxy: UpstreamProxyMode
    public var proxyHeaderTimeout: Duration
    public var replyProtocol: ReplyProtocol
    public var connectTimeout: Duration
    public var idleTimeout: Duration

    public init(service: String, listen: [SocketEndpoint], upstream: SocketEndpoint,
                upstreamProxy: UpstreamProxyMode = .v2, proxyHeaderTimeout: Duration = .seconds(3),
                replyProtocol: ReplyProtocol? = nil, connectTimeout: Duration = .seconds(5),
                idleTimeout: Duration = .seconds(1800)) {
        self.service = service
        self.listen = listen
        self.upstream = upstream
        self.upstreamProxy = upstreamProxy
        self.proxyHeaderTimeout = proxyHeaderTimeout
        self.replyProtocol = replyProtocol ?? ReplyProtocol.implied(byService: service) ?? .none
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
    }
}

/// `[control]`: the control socket and safe-change settings.
public struct ControlConfiguration: Hashable, Sendable {
    public var socket: String
    public var group: String?
    public var revertAfter: Duration
    /// The append-only audit log; nil means `audit.log` beside the access file.
    public var auditLog: String?

    public init(socket: String = "/run/mailgate/control.sock", group: String? = nil, revertAfter: Duration = .seconds(120),
                auditLog: String? = nil) {
        self.socket = socket
        self.group = group
        self.revertAfter = revertAfter
        self.auditLog = auditLog
    }
}

/// `[limits]`.
public struct ConnectionLimits: Hashable, Sendable {
    public var maxConnections: Int
    /// Whitelisted sources are exempt.
    public var maxPerSource: Int

    public init(maxConnections: Int = 20_000, maxPerSource: Int = 100) {
        self.maxConnections = maxConnections
        self.maxPerSource = maxPerSource
    }
}

/// The whole of `mailgate.toml`, validated.
public struct GateConfiguration: Hashable, Sendable {
    /// The path of the file this was read from.
    public var path: String
    /// Absolute path of the access file (relative paths resolve against `path`'s folder).
    public var accessFile: String
    public var control: ControlConfiguration
    public var listeners: [ListenerConfiguration]
    public var limits: ConnectionLimits
    /// How long SIGTERM waits for open connections before closing them.
    public var shutdownGrace: Duration

    public init(path: String, accessFile: String, control: ControlConfiguration = .init(),
                listeners: [ListenerConfiguration], limits: ConnectionLimits = .init(),
                shutdownGrace: Duration = .seconds(10)) {
        self.path = path
        self.accessFile = accessFile
        self.control = control
        self.listeners = listeners
        self.limits = limits
        self.shutdownGrace = shutdownGrace
    }

    public var serviceNames: [String] { listeners.map(\.service) }

    /// `[control] audit_log`, or `audit.log` in the access file's folder.
    public var auditLogPath: String {
        if let path = control.auditLog { return path }
        let folder = accessFile.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return folder.isEmpty ? "audit.log" : folder + "/audit.log"
    }
}
