import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain connect() to a Unix stream socket, for the quick checks that need no HTTP: is a
/// daemon there (and which errno says why not), and who it is (SO_PEERCRED).
public enum UnixSocket {
    /// A connected descriptor (close it), or the errno that says why not.
    public static func connect(_ path: String) -> Result<Int32, Errno> {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(Errno(code: errno)) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            return .failure(Errno(code: ENAMETOOLONG))
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            return .failure(Errno(code: code))
        }
        return .success(fd)
    }

    /// The process at the other end of the socket at `path` (SO_PEERCRED), if one answers.
    public static func peerProcess(_ path: String) -> Int32? {
        guard case .success(let fd) = connect(path) else { return nil }
        defer { close(fd) }
        var credentials = [Int32](repeating: 0, count: 3)  // struct ucred { pid, uid, gid }
        var size = socklen_t(MemoryLayout<Int32>.size * 3)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &size) == 0, credentials[0] > 0 else { return nil }
        return credentials[0]
    }

    public struct Errno: Error, Equatable {
        public var code: Int32
    }
}
