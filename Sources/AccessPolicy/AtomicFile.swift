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
}
