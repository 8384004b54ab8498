import Foundation
import Testing
import NetAddress
@testable import AccessPolicy

/// `examples/mailgate.toml` and `examples/access.toml`, as `mailgate check` reads them.
@Suite struct ExampleFilesTests {
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples").path

    @Test func theExampleConfigurationAndAccessFileLoad() throws {
        let configuration = try GateConfiguration.load(path: Self.examples + "/mailgate.toml")
        #expect(configuration.accessFile == Self.examples + "/access.toml")
        #expect(configuration.serviceNames == ["imap", "pop3", "smtp"])
        #expect(configuration.listeners.map(\.listen) == [
            [SocketEndpoint("127.0.0.1:1143")!], [SocketEndpoint("127.0.0.1:1110")!], [SocketEndpoint("127.0.0.1:1025")!],
        ])
        #expect(configuration.listeners.map(\.upstream) == [
            SocketEndpoint("127.0.0.1:10144")!, SocketEndpoint("127.0.0.1:10111")!, SocketEndpoint("127.0.0.1:10025")!,
        ])
        #expect(configuration.listeners.allSatisfy { $0.upstreamProxy == .v2 })
        #expect(configuration.control.socket == "/tmp/mailgate-example/control.sock")

        let lists = try configuration.loadAccessLists()
        #expect(lists.whitelist.map(\.source.description) == ["127.0.0.2", "192.0.2.0/24"])
        #expect(lists.whitelist.map(\.tcpProxy) == [true, false])
        #expect(lists.whitelist[0].description == "haproxy lb1")
        #expect(lists.whitelist[0].services == .named(["imap", "pop3"]))
        #expect(lists.blacklist.map(\.source.description) == ["198.51.100.0/24"])
    }
}
