import AccessPolicy
import Foundation
import NetAddress
import ProxyProtocol

/// Whether an upstream answers and speaks the PROXY version its listener sends it: connect,
/// wait for a greeting without sending anything; a mail server in PROXY mode stays silent
/// until it has a header, one without greets at once. If it waits, a PROXY `LOCAL` header (a
/// health check, in the protocol's own words) must bring the greeting. Blocking sockets with
/// timeouts: a one-shot check, not the data path.
struct UpstreamProbe {
    enum Result: Equatable {
        case unreachable(String)
        /// Greeted with no header sent (the first line).
        case greetsWithoutHeader(String)
        /// Silent without a header; greeted after a LOCAL one.
        case greetsAfterLocalHeader(String)
        /// Silent both ways.
        case silent
        /// Implicit TLS: the server waits for the client; only the connect is checked.
        case reachableTLS
    }

    var endpoint: SocketEndpoint
    var proxy: UpstreamProxyMode
    var tls: Bool
    var wait: Double = 1.5

    func run() -> Result {
        let fd: Int32
        switch Self.connect(endpoint, timeout: 3) {
        case .failure(let error): return .unreachable(error.reason)
        case .success(let descriptor): fd = descriptor
        }
        defer { close(fd) }
        if tls { return .reachableTLS }
        if let line = Self.readLine(fd, timeout: wait) { return .greetsWithoutHeader(line) }
        let header: [UInt8] = switch proxy {
        case .v1: ProxyHeader(version: .v1, command: .local).encoded()
        case .v2, .none: ProxyHeader(version: .v2, command: .local).encoded()
        }
        _ = header.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if let line = Self.readLine(fd, timeout: wait) { return .greetsAfterLocalHeader(line) }
        return .silent
    }

    static func connect(_ endpoint: SocketEndpoint, timeout: Double) -> Swift.Result<Int32, ProbeError> {
        var storage = sockaddr_storage()
        let length: socklen_t
        switch endpoint.address {
        case .v4(let value):
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = endpoint.port.bigEndian
            address.sin_addr.s_addr = value.bigEndian
            withUnsafeBytes(of: &address) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        case .v6:
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = endpoint.port.bigEndian
            withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: endpoint.address.bytes) }
            withUnsafeBytes(of: &address) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
        let fd = socket(Int32(storage.ss_family), Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return .failure(ProbeError(String(cString: strerror(errno)))) }
        let started = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
        }
        if started != 0 && errno != EINPROGRESS {
            let reason = String(cString: strerror(errno))
            close(fd)
            return .failure(ProbeError(reason))
        }
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) == 1 else {
            close(fd)
            return .failure(ProbeError("no answer within \(Int(timeout)) s"))
        }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
        guard error == 0 else {
            close(fd)
            return .failure(ProbeError(String(cString: strerror(error))))
        }
        return .success(fd)
    }

    /// The first line the peer sends within `timeout`, or nil (silence, or it closed).
    static func readLine(_ fd: Int32, timeout: Double) -> String? {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while received.count < 512, !received.contains(UInt8(ascii: "\n")) {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { break }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(left * 1000)) == 1 else { break }
            var chunk = [UInt8](repeating: 0, count: 512)
            let count = recv(fd, &chunk, chunk.count, 0)
            guard count > 0 else { break }
            received += chunk[..<count]
        }
        guard !received.isEmpty else { return nil }
        let line = received.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        return String(decoding: line, as: UTF8.self)
    }

    struct ProbeError: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
