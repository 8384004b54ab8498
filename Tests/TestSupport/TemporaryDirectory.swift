import Foundation

/// A fresh folder under /tmp, removed by `remove()`. The path is short on purpose: a Unix
/// socket's path must fit in 108 bytes.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "mgt") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw WaitTimeout(description: "cannot make a temporary folder: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    public func write(_ text: String, to name: String) throws -> String {
        let file = file(name)
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        return file
    }

    public func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
