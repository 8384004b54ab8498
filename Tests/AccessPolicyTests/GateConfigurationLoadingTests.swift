import Testing
import TestSupport
import NetAddress
@testable import AccessPolicy

@Suite struct GateConfigurationLoadingTests {
    @Test func aFullFileLoadsWithEveryValue() throws {
        let configuration = try GateConfiguration.parse("""
            access_file = "lists/access.toml"
            shutdown_grace = "20s"

            [control]
            socket = "/run/mailgate/control.sock"
            group = "mailadmin"
            revert_after = "2m"
            audit_log = "/var/log/mailgate/audit.log"

            [[listener]]
            service = "imap"
            listen = ["0.0.0.0:143", "[::]:143"]
            upstream = "127.0.0.1:10143"
            upstream_proxy = "v1"
            proxy_header_timeout = "1500ms"
            connect_timeout = "2s"
            idle_timeout = "1h"

            [[listener]]
            service = "sieve"
            protocol = "none"
            listen = ["0.0.0.0:4190"]
            upstream = "[::1]:14190"
            upstream_proxy = "none"

            [limits]
            max_connections = 500
            max_per_source = 7
            """, path: "/etc/mailgate/mailgate.toml")
        #expect(configuration.path == "/etc/mailgate/mailgate.toml")
        #expect(configuration.accessFile == "/etc/mailgate/lists/access.toml")
        #expect(configuration.shutdownGrace == .seconds(20))
        #expect(configuration.control == ControlConfiguration(socket: "/run/mailgate/control.sock", group: "mailadmin",
                                                              revertAfter: .seconds(120), auditLog: "/var/log/mailgate/audit.log"))
        #expect(configuration.auditLogPath == "/var/log/mailgate/audit.log")
        #expect(configuration.limits == ConnectionLimits(maxConnections: 500, maxPerSource: 7))
        #expect(configuration.serviceNames == ["imap", "sieve"])
        let imap = configuration.listeners[0]
        #expect(imap.listen == [SocketEndpoint("0.0.0.0:143")!, SocketEndpoint("[::]:143")!])
        #expect(imap.upstream == SocketEndpoint("127.0.0.1:10143"))
        #expect(imap.upstreamProxy == .v1)
        #expect(imap.proxyHeaderTimeout == .milliseconds(1500))
        #expect(imap.replyProtocol == .imap)
        #expect(imap.connectTimeout == .seconds(2))
        #expect(imap.idleTimeout == .seconds(3600))
        let sieve = configuration.listeners[1]
        #expect(sieve.replyProtocol == ReplyProtocol.none)
        #expect(sieve.upstream == SocketEndpoint("[::1]:14190"))
        #expect(sieve.upstreamProxy == UpstreamProxyMode.none)
    }

    @Test func aMinimalFileGetsTheDefaults() throws {
        let configuration = try GateConfiguration.parse("""
            access_file = "/var/lib/mailgate/access.toml"
            [[listener]]
            service = "submission"
            listen = ["0.0.0.0:587"]
            upstream = "127.0.0.1:10587"
            """, path: "mailgate.toml")
        #expect(configuration.accessFile == "/var/lib/mailgate/access.toml")
        #expect(configuration.shutdownGrace == .seconds(10))
        #expect(configuration.control == ControlConfiguration())
        #expect(configuration.auditLogPath == "/var/lib/mailgate/audit.log")
        #expect(configuration.limits == ConnectionLimits())
        let listener = try #require(configuration.listeners.first)
        #expect(listener.upstreamProxy == .v2)
        #expect(listener.proxyHeaderTimeout == .seconds(3))
        #expect(listener.replyProtocol == .smtp)
        #expect(listener.connectTimeout == .seconds(5))
        #expect(listener.idleTimeout == .seconds(1800))
    }

    @Test func relativePathsResolveAgainstTheConfigurationFolder() throws {
        let configuration = try GateConfiguration.parse("""
            access_file = "../shared/access.toml"
            [control]
            socket = "run/control.sock"
            audit_log = "log/audit.log"
            [[listener]]
            service = "imap"
            listen = ["127.0.0.1:1143"]
            upstream = "127.0.0.1:10143"
            """, path: "/srv/gate/conf/mailgate.toml")
        #expect(configuration.accessFile == "/srv/gate/shared/access.toml")
        #expect(configuration.control.socket == "/srv/gate/conf/run/control.sock")
        #expect(configuration.auditLogPath == "/srv/gate/conf/log/audit.log")
    }

    @Test func loadReadsTheFileFromDisk() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try folder.write("""
            access_file = "access.toml"
            [[listener]]
            service = "pop3"
            listen = ["127.0.0.1:1110"]
            upstream = "127.0.0.1:10110"
            """, to: "mailgate.toml")
        let configuration = try GateConfiguration.load(path: path)
        #expect(configuration.accessFile.hasSuffix("/access.toml"))
        #expect(configuration.accessFile.hasPrefix("/"))
        #expect(configuration.listeners.map(\.replyProtocol) == [.pop3])
    }
}
