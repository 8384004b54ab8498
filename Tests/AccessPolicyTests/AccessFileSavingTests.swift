import Foundation
import Testing
import TestSupport
@testable import AccessPolicy

@Suite struct AccessFileSavingTests {
    static let services: Set<String> = ["imap", "pop3", "smtp"]

    static func sample() throws -> AccessLists {
        let created = AccessEntry.timestamp(Date(timeIntervalSince1970: 1_793_614_500.75))
        return AccessLists(
            whitelist: [
                AccessEntry(id: "w00000001", source: try AddressSource(parsing: "203.0.113.7"),
                            description: "haproxy \"lb1\" — Zürich 🇨🇭 C:\\proxy\\ tab\there\nline two\u{1}\u{7F}",
                            services: .named(["imap", "pop3"]), tcpProxy: true,
                            created: created, updated: created.addingTimeInterval(60), by: "ålice"),
                AccessEntry(id: "office", source: try AddressSource(parsing: "2001:db8::10-2001:db8::20"),
                            description: "", services: .all, tcpProxy: false, enabled: false),
            ],
            blacklist: [
                AccessEntry(id: "b-1", source: try AddressSource(parsing: "198.51.100.0/24"),
                            description: "brute force, 2026-11", services: .named(["smtp"])),
                AccessEntry(id: "b-2", source: try AddressSource(parsing: "::ffff:192.0.2.9"), description: "'single' # not a comment"),
            ])
    }

    @Test func renderThenLoadGivesTheSameLists() throws {
        let lists = try Self.sample()
        let text = lists.renderedAccessFile()
        #expect(try AccessLists.parse(text, path: "access.toml", knownServices: Self.services) == lists)
    }

    @Test func renderedEntriesKeepTheirKeyOrderAndLeaveOutAbsentFields() throws {
        let text = try Self.sample().renderedAccessFile()
        #expect(text.hasPrefix("# mailgate access file"))
        #expect(text.contains("""
            [[whitelist]]
            id = "office"
            source = "2001:db8::10-2001:db8::20"
            services = ["all"]
            tcp_proxy = false
            enabled = false

            [[blacklist]]
            id = "b-1"
            source = "198.51.100.0/24"
            description = "brute force, 2026-11"
            services = ["smtp"]
            enabled = true

            """))
        #expect(text.contains("""
            description = "haproxy \\"lb1\\" — Zürich 🇨🇭 C:\\\\proxy\\\\ tab\\there\\nline two\\u0001\\u007F"
            services = ["imap", "pop3"]
            tcp_proxy = true
            enabled = true
            created = 2026-11-02T10:15:00Z
            updated = 2026-11-02T10:16:00Z
            by = "ålice"
            """))
        #expect(!text.contains("[[blacklist]]\nid = \"b-2\"\nsource = \"::ffff"))
        #expect(text.contains("source = \"192.0.2.9\""))
    }

    @Test func saveWritesAFileThatLoadsBack() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("access.toml")
        let lists = try Self.sample()
        try lists.save(to: path)
        #expect(try AccessLists.load(path: path, knownServices: Self.services) == lists)
        #expect(try folder.contents() == ["access.toml"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
    }

    @Test func saveOverAnExistingFileKeepsItsModeAndLeavesNoTemporaryFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try folder.write("# old\n", to: "access.toml")
        try FileManager.default.setAttributes([.posixPermissions: 0o604], ofItemAtPath: path)
        try Self.sample().save(to: path)
        try AccessLists().save(to: path)
        #expect(try folder.contents() == ["access.toml"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o604)
        #expect(try AccessLists.load(path: path, knownServices: Self.services) == AccessLists())
    }

    @Test func saveThroughASymbolicLinkReplacesTheLinkedFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let real = try folder.write("# old\n", to: "real.toml")
        let link = folder.file("access.toml")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.toml")
        try Self.sample().save(to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.toml")
        #expect(try AccessLists.load(path: real, knownServices: Self.services) == (try Self.sample()))
        #expect(try folder.contents() == ["access.toml", "real.toml"])
    }

    @Test func aFailedSaveLeavesNoTemporaryFileBehind() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("access.toml")
        try FileManager.default.createDirectory(atPath: path + "/in-the-way", withIntermediateDirectories: true)
        #expect(throws: ConfigurationProblem.self) { try AccessLists().save(to: path) }
        #expect(try folder.contents() == ["access.toml"])
    }

    @Test func saveIntoAMissingFolderFailsWithTheReason() throws {
        let problem = try #require(throws: ConfigurationProblem.self) {
            try AccessLists().save(to: "/nonexistent-folder/access.toml")
        }
        #expect(problem.description == "/nonexistent-folder/access.toml: cannot create a temporary file in /nonexistent-folder: No such file or directory")
    }
}
