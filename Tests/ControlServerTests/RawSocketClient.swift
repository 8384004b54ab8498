import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately dumb client on the control socket: raw bytes in, raw bytes out, so that
/// tests can send what no HTTP library would (a bad chunk size, a NUL in the path, one
/// header byte at a time) and see exactly what comes back.
final class RawSocketClient {
    let fd: Int32
    private(set) var received = [UInt8]()
    private(set) var closedByServer = false

    struct Failure: Error, CustomStringConvertible { let description: String }

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw Failure(description: "connect \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// Writes all of `bytes`; false if the server closed its end meanwhile.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads until the server closes the connection or `timeout` passes; true if it closed.
    /// Polls without blocking and sleeps between polls: a blocked thread of the cooperative
    /// pool would starve the server's own tasks in the same process.
    @discardableResult
    func readUntilClosed(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !closedByServer {
            guard ContinuousClock.now < deadline else { return false }
            if !readAvailable() { try? await Task.sleep(for: .milliseconds(10)) }
        }
        return true
    }

    /// Reads until `text` has arrived, the server closes, or `timeout` passes.
    func readUntil(_ text: String, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !closedByServer && !self.text.contains(text) {
            guard ContinuousClock.now < deadline else { return false }
            if !readAvailable() { try? await Task.sleep(for: .milliseconds(10)) }
        }
        return self.text.contains(text)
    }

    /// Takes what has arrived without waiting; false if there was nothing.
    private func readAvailable() -> Bool {
        var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pollfd, 1, 0) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &buffer, buffer.count, 0)
        if count <= 0 { closedByServer = true } else { received += buffer[0..<count] }
        return true
    }

    var text: String { String(decoding: received, as: UTF8.self) }

    /// The status code of the first response.
    var status: Int? {
        guard text.hasPrefix("HTTP/1.1 ") else { return nil }
        return Int(text.dropFirst(9).prefix(3))
    }

    /// The first response's body as `{"error": {"code", "message"}}`, if it is that.
    var errorBody: (code: String, message: String)? {
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let body = Data(text[split.upperBound...].utf8)
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let error = object["error"] as? [String: Any],
              let code = error["code"] as? String, let message = error["message"] as? String else { return nil }
        return (code, message)
    }

    var headers: String {
        guard let split = text.range(of: "\r\n\r\n") else { return text }
        return String(text[..<split.lowerBound])
    }
}
