import AccessPolicy
import Foundation
import MailgateAPI

/// The store's own state on disk beside the access file (`access.toml.pending.json`): the
/// pending changes, so a restart resumes their countdowns (or reverts at once what is past
/// its deadline), and the one write in flight, if any — a write-ahead intent recorded before
/// the access file is replaced, so that a crash at any instant can be finished or dropped
/// at the next start (see `AccessStore.recover`). Written atomically each time; removed
/// when it holds nothing.
struct StoreJournal {
    /// One pending change: what the API shows, and the entry before and after it.
    struct Record: Codable, Equatable {
        var change: PendingChangeInfo
        /// The entry before the change; nil for an add.
        var before: AccessEntry?
        /// The entry as the change left it; nil for a removal.
        var after: AccessEntry?

        init(change: PendingChangeInfo, before: AccessEntry?, after: AccessEntry?) {
            self.change = change
            self.before = before
            self.after = after
        }

        enum CodingKeys: String, CodingKey { case change, before, after, applied }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            change = try c.decode(PendingChangeInfo.self, forKey: .change)
            before = try c.decodeIfPresent(AccessEntry.self, forKey: .before)
            after = try c.decodeIfPresent(AccessEntry.self, forKey: .after)
            // Files written before any change could be pending held `applied`: a tcp_proxy switch-on.
            if before == nil && after == nil, var applied = try c.decodeIfPresent(AccessEntry.self, forKey: .applied) {
                after = applied
                applied.tcpProxy = false
                before = applied
            }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(change, forKey: .change)
            try c.encodeIfPresent(before, forKey: .before)
            try c.encodeIfPresent(after, forKey: .after)
        }
    }

    /// A write about to happen: the access file's revision before and after it, its audit
    /// record, the pending change it starts and the ones it settles.
    struct Intent: Codable, Equatable {
        var revisionBefore: String
        var revisionAfter: String
        var audit: AuditRecord
        var starts: Record?
        var settles: [String]
    }

    struct Contents: Codable, Equatable {
        var pending: [Record] = []
        var intent: Intent?
    }

    let path: String

    init(accessFile: String) {
        path = accessFile + ".pending.json"
    }

    /// What is on disk; nothing if there is no file. A file that cannot be read or parsed is
    /// an error naming the file and what is wrong. (A bare list is the older form: pending changes only.)
    func load() throws -> Contents {
        guard FileManager.default.fileExists(atPath: path) else { return Contents() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(path: path, reason: "cannot be read")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            if data.first(where: { !$0.isWhitespace }) == UInt8(ascii: "[") {
                return Contents(pending: try decoder.decode([Record].self, from: data))
            }
            return try decoder.decode(Contents.self, from: data)
        } catch {
            throw Problem(path: path, reason: "is not mailgate's pending-changes journal: \(error)")
        }
    }

    /// Replaces the file with `contents`, or removes it when they hold nothing.
    func save(_ contents: Contents) throws {
        if contents.pending.isEmpty && contents.intent == nil {
            if FileManager.default.fileExists(atPath: path) {
                try FileManager.default.removeItem(atPath: path)
                try AtomicFile.syncFolder(of: path)
            }
            return
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(String(decoding: try encoder.encode(contents), as: UTF8.self), to: path)
    }

    struct Problem: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "\(path): \(reason)" }
    }
}

private extension UInt8 {
    var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
