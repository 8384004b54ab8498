import Foundation
import UnixSocket

#if canImport(Glibc)
import Glibc
#endif

/// Makes sure one daemon owns the control socket: an `flock` on `<socket>.lock` plus a
/// connect attempt, so a live daemon's socket is never taken over while a stale socket
/// file (left by a crash) is replaced.
final class SocketGuard: @unchecked Sendable {  // the descriptor is only touched at start and stop
    let socketPath: String
    private var lockDescriptor: Int32 = -1

    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    init(socketPath: String) {
        self.socketPath = socketPath
    }

    var lockPath: String { socketPath + ".lock" }

    /// Creates the socket's folder if needed, takes the lock and checks nobody answers on
    /// the socket. Throws a message that says what to do.
    func acquire() throws(Refusal) {
        let folder = (socketPath as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o755])
            } catch {
                throw Refusal(description: "cannot create the control socket's folder \(folder): \(error.localizedDescription)")
            }
        }
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw Refusal(description: "cannot open \(lockPath): \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw Refusal(description: "another mailgate daemon is serving the control socket \(socketPath) (it holds \(lockPath)); stop it first, or give this one another [control] socket")
        }
        if Self.answers(socketPath) {
            flock(fd, LOCK_UN)
            close(fd)
            throw Refusal(description: "something is already listening on the control socket \(socketPath); stop it first, or give this daemon another [control] socket")
        }
        lockDescriptor = fd
    }

    /// Removes the socket and the lock file (clean shutdown).
    func release() {
        guard lockDescriptor >= 0 else { return }
        unlink(socketPath)
        unlink(lockPath)
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
        lockDescriptor = -1
    }

    /// Whether a process accepts connections on the Unix socket at `path`.
    static func answers(_ path: String) -> Bool {
        guard case .success(let fd) = UnixSocket.connect(path) else { return false }
        close(fd)
        return true
    }
}
