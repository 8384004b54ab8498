import Foundation
import Synchronization

/// Notices when the access file changes on disk (checked once a second by size, mtime and
/// inode) and calls `onChange`. What a change means — reload, validate, refuse — is the
/// owner's business (the control API's access store); SIGHUP calls the same path directly.
public final class AccessFileWatcher: Sendable {
    private let path: String
    private let onChange: @Sendable () -> Void
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

    public init(path: String, onChange: @escaping @Sendable () -> Void) {
        self.path = path
        self.onChange = onChange
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
                if changed { watcher.onChange() }
            }
        }
        task.withLock { $0 = polling }
    }

    public func stop() {
        task.withLock { $0?.cancel() }
    }
}
