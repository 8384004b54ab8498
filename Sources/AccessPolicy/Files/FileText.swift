#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a configuration file whole, with failures said the way `ls` and `cat` say them.
enum FileText {
    /// The file's text; a failure is a problem naming the file and the system's reason.
    static func contents(of path: String) throws(ConfigurationProblem) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw problem(path, "cannot open") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw problem(path, "cannot read")
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationProblem(file: path, message: "is not UTF-8 text")
        }
        return text
    }

    /// True when nothing at all is at `path` (not even a dangling link).
    static func isMissing(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) != 0 && errno == ENOENT
    }

    /// A problem carrying `errno`'s text: "cannot open: No such file or directory".
    static func problem(_ path: String, _ what: String, errorNumber: Int32 = errno) -> ConfigurationProblem {
        ConfigurationProblem(file: path, message: "\(what): \(String(cString: strerror(errorNumber)))")
    }
}
