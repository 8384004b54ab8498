import AccessPolicy
import Foundation
import Logging
import Synchronization

/// Reloads the access policy when the access file changes on disk (checked once a second)
/// or when asked (SIGHUP). A file that fails to load is refused with every problem logged,
/// and the last good policy stays in force; open connections are never touched.
public final class AccessFileWatcher: Sendable {
    /// Reads and validates the file: the new policy and a one-line summary for the log.
    public typealias Loader = @Sendable () throws -> (policy: AccessPolicy, summary: String)

    private let path: String
    private let state: GateState
    private let load: Loader
    private let lastSeen: Mutex<FileStamp?>
    private let task = Mutex<Task<Void, Never>?>(nil)

    struct FileStamp: Equatable {
        var modified: Date?
        var size: UInt64?
        var inode: UInt64?
        init?(path: String) {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
            modified = attributes[.modificationDate] as? Date
            size = (attributes[.size] as? NSNumber)?.uint64Value
            inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value
        }
    }

    public init(path: String, state: GateState, load: @escaping Loader) {
        self.path = path
        self.state = state
        self.load = load
        self.lastSeen = Mutex(FileStamp(path: path))
    }

    /// Starts checking the file for changes every `interval`.
    public func start(interval: Duration = .seconds(1)) {
        let watcher = self
        let polling = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                let stamp = FileStamp(path: watcher.path)
                let changed = watcher.lastSeen.withLock { last in
                    defer { last = stamp }
                    return stamp != nil && stamp != last
                }
                if changed { watcher.reload(trigger: "file changed") }
            }
        }
        task.withLock { $0 = polling }
    }

    public func stop() {
        task.withLock { $0?.cancel() }
    }

    /// Loads the file and puts it in force, or logs why it was refused. Returns true on success.
    @discardableResult
    public func reload(trigger: String) -> Bool {
        lastSeen.withLock { $0 = FileStamp(path: path) }
        do {
            let loaded = try load()
            state.replacePolicy(loaded.policy)
            state.logger.notice("reloaded access file \(path) (\(trigger)): \(loaded.summary)")
            state.record(GateEvent(kind: .configChanged, detail: "reloaded \(path) (\(trigger)): \(loaded.summary)"))
            return true
        } catch {
            state.logger.error("refused invalid access file \(path) (\(trigger)); the last good policy stays in force:\n\(error)")
            return false
        }
    }
}
