import Foundation

/// Turns a failure to reach the control socket into words for the top bar and the fix
/// for the line above the footer: a missing socket, a permission problem, a stale socket.
/// After the console has been connected, the same failures mean the daemon is restarting:
/// it keeps trying and says so.
public enum LinkProblem {
    public static func state(errno code: Int32, socket path: String, wasConnected: Bool, attempt: Int) -> LinkState {
        let transient: Set<Int32> = [ENOENT, ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT]
        if wasConnected, transient.contains(code) {
            return .reconnecting(attempt: attempt, reason: code == ENOENT ? "the socket is gone (daemon restarting?)"
                                                                        : "the daemon closed the connection")
        }
        switch code {
        case ENOENT:
            return .failed(problem: "no control socket at \(path)",
                           fix: "Is the daemon running? Start it (mailgate serve --config FILE), or give --socket PATH.")
        case EACCES, EPERM:
            return .failed(problem: "permission denied on \(path)",
                           fix: "Join the socket's group (see [control] group in mailgate.toml), log in again, or run as root.")
        case ECONNREFUSED:
            return .failed(problem: "nothing answers on \(path) (a stale socket)",
                           fix: "The daemon is not running: start it (mailgate serve --config FILE).")
        case ENOTSOCK:
            return .failed(problem: "\(path) is not a socket", fix: "Give the daemon's control socket with --socket PATH.")
        default:
            return .failed(problem: "cannot reach \(path): \(String(cString: strerror(code)))",
                           fix: "Check that the daemon runs and that --socket names its control socket.")
        }
    }
}
