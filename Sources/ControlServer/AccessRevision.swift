import Foundation

/// The revision of the access file: a short hex hash (FNV-1a, 64 bit) of its bytes, so any
/// change — through the API or by hand — gives a new one. It detects edits, it is not a MAC.
enum AccessRevision {
    static func of(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    /// `If-Match` values may be quoted (`"abc"`) or weak (`W/"abc"`); the revision is what's inside.
    static func unquoted(_ header: String) -> String {
        var value = header.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("W/") { value.removeFirst(2) }
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
        return value
    }
}
