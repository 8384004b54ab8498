#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileText {
    /// Replaces the file at `path` with `text` so that a reader (or a crash) sees either the
    /// old file or the new one, never a mix: a temporary file in the same folder is written,
    /// fsynced and renamed over `path`, then the folder is fsynced. An existing file's mode
    /// (and, when permitted, owner) is kept; a new file gets `newFileMode`. A symbolic
    /// link at `path` is followed, so the file it points to is the one replaced.
    static func writeAtomically(_ text: String, to path: String, newFileMode: mode_t = 0o640) throws(ConfigurationProblem) {
        let target = resolvedLink(path)
        let folder = folderOf(target)
        let name = target.split(separator: "/").last.map(String.init) ?? target

        var existing = stat()
        let exists = stat(target, &existing) == 0
        let mode = exists ? existing.st_mode & 0o7777 : newFileMode

        let temporary = "\(folder)/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw problem(path, "cannot create a temporary file in \(folder)") }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }

        do throws(ConfigurationProblem) {
            // open() applied the umask; set the mode exactly.
            guard fchmod(descriptor, mode) == 0 else { throw problem(path, "cannot set the mode of \(temporary)") }
            if exists && (existing.st_uid != geteuid() || existing.st_gid != getegid()) {
                _ = fchown(descriptor, existing.st_uid, existing.st_gid)  // best effort: only root may give files away
            }
            try writeAll(Array(text.utf8), to: descriptor, path: path)
            guard fsync(descriptor) == 0 else { throw problem(path, "cannot flush \(temporary) to disk") }
        } catch {
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw problem(path, "cannot write \(temporary)") }
        guard rename(temporary, target) == 0 else { throw problem(path, "cannot rename \(temporary) over it") }
        renamed = true

        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folderDescriptor >= 0 else { throw problem(path, "written, but cannot open \(folder) to flush it") }
        defer { close(folderDescriptor) }
        guard fsync(folderDescriptor) == 0 else { throw problem(path, "written, but cannot flush \(folder) to disk") }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(ConfigurationProblem) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw problem(path, "cannot write")
            }
            offset += written
        }
    }

    /// `path` with any chain of symbolic links at its last component followed.
    private static func resolvedLink(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count > 0 else { return current }
            let destination = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = destination.hasPrefix("/") ? destination : folderOf(current) + "/" + destination
        }
        return current
    }

    static func folderOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
