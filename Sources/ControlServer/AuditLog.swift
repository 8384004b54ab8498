import Foundation
import MailgateAPI
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The append-only audit log: one JSON object a line, each line written with `O_APPEND`
/// and fsync'd before the write is answered, so it survives crashes and restarts.
public final class AuditLog: Sendable {
    public let path: String
    private let lock = Mutex(())

    public init(path: String) {
        self.path = path
    }

    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot append to the audit log \(path): \(reason)" }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    public func append(_ record: AuditRecord) throws(WriteError) {
        let line: Data
        do { line = try Self.encoder.encode(record) + Data("\n".utf8) } catch {
            throw WriteError(path: path, reason: "\(error)")
        }
        try lock.withLock { _ throws(WriteError) in
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
            guard fd >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
            defer { close(fd) }
            let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == line.count else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
            guard fsync(fd) == 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        }
    }

    /// Whether a record with this id is in the log (crash recovery: a write is recorded once).
    public func contains(id: String) -> Bool {
        guard let data = lock.withLock({ _ in FileManager.default.contents(atPath: path) }) else { return false }
        let needle = Data("\"id\":\"\(id)\"".utf8)
        return data.range(of: needle) != nil
    }

    /// A last line cut short by a crash (no newline at its end), moved aside.
    public struct TornTail: Sendable, Equatable {
        public var bytes: Int
        /// Where the torn bytes were kept.
        public var keptIn: String
    }

    /// Cuts a torn last line off the log, keeping its bytes in `<log>.torn-<time>`, so the next
    /// record starts on a line of its own. Returns what was done, or nil when the log was whole.
    public func repairTornTail(now: Date = Date()) throws(WriteError) -> TornTail? {
        try lock.withLock { _ throws(WriteError) -> TornTail? in
            guard let data = FileManager.default.contents(atPath: path), let last = data.last, last != UInt8(ascii: "\n") else {
                return nil
            }
            let keep = data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            let torn = data[keep...]
            let stamp = now.formatted(.iso8601).replacingOccurrences(of: ":", with: "")
            let aside = "\(path).torn-\(stamp)"
            guard FileManager.default.createFile(atPath: aside, contents: Data(torn)) else {
                throw WriteError(path: path, reason: "cannot keep its torn last line in \(aside)")
            }
            guard truncate(path, off_t(keep)) == 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            if fd >= 0 { fsync(fd); close(fd) }
            return TornTail(bytes: torn.count, keptIn: aside)
        }
    }

    /// The newest `limit` records, oldest first. Lines that do not parse are skipped.
    public func recent(limit: Int) -> [AuditRecord] {
        guard let data = lock.withLock({ _ in FileManager.default.contents(atPath: path) }) else { return [] }
        let lines = data.split(separator: UInt8(ascii: "\n"))
        return lines.suffix(max(0, limit)).compactMap { try? Self.decoder.decode(AuditRecord.self, from: Data($0)) }
    }
}
