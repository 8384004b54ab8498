import Foundation
import UnixSocket

extension ControlClient {
    /// Connects to the Unix socket once and closes it: nil when something listens, else the
    /// errno. Quicker and plainer than a connect timeout.
    public static func probe(_ path: String) -> Int32? {
        switch UnixSocket.connect(path) {
        case .success(let fd):
            close(fd)
            return nil
        case .failure(let error):
            return error.code
        }
    }
}
