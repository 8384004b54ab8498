import AccessPolicy
import Foundation

/// Pending `tcp_proxy` changes kept on disk beside the access file
/// (`access.toml.pending.json`), so that a daemon restart resumes their countdowns, or reverts
/// at once what is past its deadline. Without it a restart while a change is pending would
/// leave the flag on for good: the very mistake the countdown is there to undo.
///
/// Written atomically (temporary file, fsync, rename) each time the set of pending changes
/// changes; removed when none is left.
struct PendingChangesFile {
    /// One pending change: what the API shows, and the entry as the change left it.
    struct Record: Codable, Equatable {
        var change: PendingChangeInfo
        var applied: AccessEntry
    }

    let path: String

    init(accessFile: String) {
        path = accessFile + ".pending.json"
    }

    /// The records on disk; none if there is no file. A file that cannot be read or parsed
    /// is an error naming the file and what is wrong.
    func load() throws -> [Record] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(path: path, reason: "cannot be read")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode([Record].self, from: data)
        } catch {
            throw Problem(path: path, reason: "is not a list of pending changes: \(error)")
        }
    }

    /// Replaces the file with these records, or removes it when there are none.
    func save(_ records: [Record]) throws {
        if records.isEmpty {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            return
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(String(decoding: try encoder.encode(records), as: UTF8.self), to: path)
    }

    struct Problem: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "\(path): \(reason)" }
    }
}
