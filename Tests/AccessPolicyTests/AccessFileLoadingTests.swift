import Foundation
import Testing
import TestSupport
import NetAddress
@testable import AccessPolicy

@Suite struct AccessFileLoadingTests {
    static let services: Set<String> = ["imap", "pop3", "smtp"]

    @Test func entriesLoadWithDefaultsAndDerivedIDs() throws {
        let lists = try AccessLists.parse("""
            [[whitelist]]
            source = "203.0.113.7"
            description = "haproxy lb1"
            services = ["imap", "pop3"]
            tcp_proxy = true

            [[blacklist]]
            source = "198.51.100.0/24"
            services = ["all"]
            description = "brute force, 2026-11"
            """, path: "access.toml", knownServices: Self.services)
        let source = try AddressSource(parsing: "203.0.113.7")
        #expect(lists.whitelist == [AccessEntry(
            id: AccessEntry.derivedID(kind: .whitelist, source: source), source: source,
            description: "haproxy lb1", services: .named(["imap", "pop3"]), tcpProxy: true)])
        let blocked = try #require(lists.blacklist.first)
        #expect(blocked.source == (try AddressSource(parsing: "198.51.100.0/24")))
        #expect(blocked.services == .all)
        #expect(blocked.enabled)
        #expect(!blocked.tcpProxy)
        #expect(blocked.id == AccessEntry.derivedID(kind: .blacklist, source: blocked.source))
    }

    @Test func bookkeepingFieldsLoadFromDateTimesAndStrings() throws {
        let lists = try AccessLists.parse("""
            [[whitelist]]
            id = "office-1"
            source = "192.0.2.0/24"
            enabled = false
            created = 2026-11-02T10:15:00Z
            updated = "2026-11-02T12:15:30+02:00"
            by = "alice"

            [[whitelist]]
            source = "192.0.2.77"
            created = 2026-11-03
            updated = 2026-11-03T08:00:00
            """, path: "access.toml", knownServices: Self.services)
        let office = lists.whitelist[0]
        #expect(office.id == "office-1")
        #expect(!office.enabled)
        #expect(office.created == Date(timeIntervalSince1970: 1_793_614_500))
        #expect(office.updated == Date(timeIntervalSince1970: 1_793_614_500 + 30))
        #expect(office.by == "alice")
        let other = lists.whitelist[1]
        #expect(other.created == Date(timeIntervalSince1970: 1_793_664_000))
        #expect(other.updated == Date(timeIntervalSince1970: 1_793_664_000 + 8 * 3600))
        #expect(other.services == .all)
    }

    @Test func anEmptyFileIsEmptyLists() throws {
        #expect(try AccessLists.parse("# nothing yet\n", path: "access.toml", knownServices: []) == AccessLists())
    }

    @Test func aMissingFileIsAProblem() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("access.toml")
        let problems = try #require(throws: ConfigurationProblems.self) {
            try AccessLists.load(path: path, knownServices: Self.services)
        }
        #expect(problems.description == "\(path): cannot open: No such file or directory")
    }

    @Test func createIfMissingWritesAnEmptyFileAndReturnsEmptyLists() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("access.toml")
        #expect(try AccessLists.load(path: path, knownServices: Self.services, createIfMissing: true) == AccessLists())
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try AccessLists.load(path: path, knownServices: Self.services) == AccessLists())
    }

    @Test func theConfigurationLoadsItsOwnAccessFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        _ = try folder.write("""
            [[whitelist]]
            source = "127.0.0.2"
            services = ["imap"]
            tcp_proxy = true
            """, to: "access.toml")
        let configuration = try GateConfiguration.load(path: try folder.write("""
            access_file = "access.toml"
            [[listener]]
            service = "imap"
            listen = ["127.0.0.1:1143"]
            upstream = "127.0.0.1:10144"
            """, to: "mailgate.toml"))
        let lists = try configuration.loadAccessLists()
        #expect(lists.whitelist.map(\.tcpProxy) == [true])
    }
}
