import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replacing a small file so that a reader or a crash sees the old one or the new one, never
/// a mix, for the daemon's other state files (the access file is saved the same way).
public enum AtomicFile {
    public static func write(_ text: String, to path: String, newFileMode: mode_t = 0o640) throws(ConfigurationProblem) {
        try FileText.writeAtomically(text, to: path, newFileMode: newFileMode)
    }

    /// Flushes the folder holding `path` to disk, so a rename or removal in it survives a crash.
    public static func syncFolder(of path: String) throws(ConfigurationProblem) {
        let folder = FileText.folderOf(path)
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileText.problem(path, "cannot open \(folder) to flush it") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileText.problem(path, "cannot flush \(folder) to disk") }
    }

    /// Removes the temporary files an interrupted save of `path` left beside it
    /// (`.NAME.PID.RANDOM.tmp`, our own naming), unless the process that made one is still
    /// running. Returns the paths removed.
    @discardableResult
    public static func removeLeftoverTemporaries(of path: String) -> [String] {
        let folder = FileText.folderOf(path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var removed: [String] = []
        for candidate in names where candidate.hasPrefix(".\(name).") && candidate.hasSuffix(".tmp") {
            let middle = candidate.dropFirst(name.count + 2).dropLast(4).split(separator: ".")
            guard middle.count == 2, let pid = Int32(middle[0]), UInt32(middle[1]) != nil else { continue }
            // A live writer's file (this process's too: tests run several stores in one).
            if pid == getpid() || kill(pid, 0) == 0 { continue }
            let full = folder + "/" + candidate
            if unlink(full) == 0 { removed.append(full) }
        }
        return removed
    }
}
