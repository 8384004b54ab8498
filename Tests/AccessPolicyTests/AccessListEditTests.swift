import Foundation
import Testing
@testable import AccessPolicy

@Suite struct AccessListEditTests {
    private let known: Set<String> = ["imap", "pop3"]
    private var lists: AccessLists {
        AccessLists(whitelist: [AccessEntry(id: "w1", source: try! AddressSource(parsing: "192.0.2.0/24"), description: "office")],
                    blacklist: [AccessEntry(id: "b1", source: try! AddressSource(parsing: "198.51.100.7"))])
    }

    @Test func addingGivesAFreshIdAndWholeSecondTimestamps() throws {
        let (edited, entry) = try lists.adding(EntryDraft(source: "203.0.113.7", services: ["imap"], tcpProxy: true),
                                               to: .whitelist, knownServices: known, by: "alice")
        #expect(edited.whitelist.count == 2)
        #expect(entry.id.hasPrefix("w") && entry.id != "w1")
        #expect(entry.services == .named(["imap"]) && entry.tcpProxy && entry.by == "alice")
        let created = try #require(entry.created)
        #expect(created.timeIntervalSince1970 == created.timeIntervalSince1970.rounded(.down))
    }

    @Test func updatingFindsTheEntryByIdOrSourceAndKeepsWhatIsNotGiven() throws {
        let (edited, before, after) = try lists.updating("192.0.2.0/24", in: .whitelist, with: EntryDraft(enabled: false),
                                                         knownServices: known, by: nil)
        #expect(before.enabled && !after.enabled)
        #expect(after.description == "office" && after.id == "w1")
        #expect(edited.whitelist == [after])
    }

    @Test(arguments: [
        (EntryDraft(source: "192.0.2.0/24"), ListKind.whitelist, AccessEditError.Code.duplicate),
        (EntryDraft(source: "192.0.2.1/24"), .whitelist, .invalid),        // host bits set
        (EntryDraft(source: "10.0.0.1", services: ["gopher"]), .whitelist, .invalid),
        (EntryDraft(source: "10.0.0.1", services: []), .whitelist, .invalid),
        (EntryDraft(source: "10.0.0.1", tcpProxy: true), .blacklist, .invalid),
        (EntryDraft(description: "no source"), .whitelist, .invalid),
    ])
    func refusedAdditionsSayWhy(draft: EntryDraft, kind: ListKind, code: AccessEditError.Code) throws {
        let error = try #require(throws: AccessEditError.self) {
            _ = try lists.adding(draft, to: kind, knownServices: known, by: nil)
        }
        #expect(error.code == code, "\(error.message)")
        #expect(!error.message.isEmpty)
    }

    @Test func removingAnUnknownEntryIsNotFound() {
        #expect(throws: AccessEditError(code: .notFound, message: "no blacklist entry \"b9\" (give its id or its source)")) {
            _ = try lists.removing("b9", from: .blacklist)
        }
    }

    @Test func warningNamesTheScopeInWords() {
        let entry = AccessEntry(id: "w2", source: try! AddressSource(parsing: "203.0.113.7"), services: .all, tcpProxy: true)
        #expect(TCPProxyWarning.scope(of: entry, services: ["pop3", "imap"])
                == "only connections from 203.0.113.7 on imap, pop3 will need a PROXY header; everyone else is unaffected")
    }
}
