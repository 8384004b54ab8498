/// An RFC 8259 syntax check for the control API's request bodies, before Foundation sees them: Foundation's
/// `JSONSerialization` is lenient (a trailing comma, `NaN`, comments, a leading `+` or
/// duplicate keys get through), and what it lets through would be written to the access file.
/// Pure; no allocation beyond the key sets of the objects being checked.
///
/// Beyond the grammar it refuses what no client of this API needs and what would make
/// the meaning unclear: duplicate keys in one object, unpaired UTF-16 surrogate escapes,
/// and nesting deeper than `maximumDepth`.
public enum StrictJSON {
    public static let maximumDepth = 32

    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        /// Byte offset of the problem in the body.
        public let offset: Int
        public let message: String
        public var description: String { "\(message) at byte \(offset)" }

        public init(offset: Int, message: String) {
            self.offset = offset
            self.message = message
        }
    }

    /// Throws the first problem found; returns when `bytes` is exactly one JSON value
    /// (whitespace around it allowed) encoded as valid UTF-8.
    public static func validate(_ bytes: [UInt8]) throws(Problem) {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.index < bytes.count { throw parser.problem("unexpected \(parser.describeCurrent()) after the JSON value") }
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        func problem(_ message: String) -> Problem { Problem(offset: index, message: message) }

        func describeCurrent() -> String {
            guard index < bytes.count else { return "end of input" }
            let byte = bytes[index]
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x" + String(byte, radix: 16, uppercase: true)
        }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func value(depth: Int) throws(Problem) {
            guard let byte = current else { throw problem("unexpected end of input, expected a value") }
            switch byte {
            case UInt8(ascii: "{"): try object(depth: depth + 1)
            case UInt8(ascii: "["): try array(depth: depth + 1)
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw problem("unexpected \(describeCurrent()), expected a value")
            }
        }

        mutating func literal(_ word: String) throws(Problem) {
            let start = index
            for byte in word.utf8 {
                guard current == byte else {
                    index = start
                    throw problem("unexpected \(describeCurrent()), expected a value")
                }
                index += 1
            }
        }

        mutating func object(depth: Int) throws(Problem) {
            guard depth <= StrictJSON.maximumDepth else { throw problem("nesting deeper than \(StrictJSON.maximumDepth)") }
            index += 1  // {
            skipWhitespace()
            if current == UInt8(ascii: "}") { index += 1; return }
            var keys = Set<[UInt8]>()
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else {
                    throw problem(current == UInt8(ascii: "}") ? "trailing comma in an object"
                                                             : "unexpected \(describeCurrent()), expected a key in double quotes")
                }
                let keyStart = index
                let key = try string()
                guard keys.insert(key).inserted else {
                    throw Problem(offset: keyStart, message: "duplicate key \"\(String(decoding: key, as: UTF8.self))\"")
                }
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw problem("unexpected \(describeCurrent()), expected ':'") }
                index += 1
                skipWhitespace()
                try value(depth: depth)
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return
                default: throw problem("unexpected \(describeCurrent()), expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(Problem) {
            guard depth <= StrictJSON.maximumDepth else { throw problem("nesting deeper than \(StrictJSON.maximumDepth)") }
            index += 1  // [
            skipWhitespace()
            if current == UInt8(ascii: "]") { index += 1; return }
            while true {
                skipWhitespace()
                if current == UInt8(ascii: "]") { throw problem("trailing comma in an array") }
                try value(depth: depth)
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return
                default: throw problem("unexpected \(describeCurrent()), expected ',' or ']'")
                }
            }
        }

        /// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func number() throws(Problem) {
            let start = index
            try numberSyntax()
            // RFC 8259 leaves the range to implementations; a number no Double can hold is refused
            // here, as the decoder behind this check would refuse it anyway.
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if let value = Double(text), !value.isFinite {
                throw Problem(offset: start, message: "a number out of range")
            }
        }

        mutating func numberSyntax() throws(Problem) {
            func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
            if current == UInt8(ascii: "-") { index += 1 }
            guard isDigit(current) else { throw problem("a number needs a digit here") }
            if current == UInt8(ascii: "0") {
                index += 1
                if isDigit(current) { throw problem("a number has a leading zero") }
            } else {
                while isDigit(current) { index += 1 }
            }
            if current == UInt8(ascii: ".") {
                index += 1
                guard isDigit(current) else { throw problem("a number needs a digit after its '.'") }
                while isDigit(current) { index += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard isDigit(current) else { throw problem("a number needs a digit in its exponent") }
                while isDigit(current) { index += 1 }
            }
        }

        /// A string's raw bytes between the quotes (escapes left as written: enough to compare keys
        /// for duplicates only when written alike, which is what a well-behaved client sends).
        mutating func string() throws(Problem) -> [UInt8] {
            index += 1  // "
            let start = index
            var pendingHighSurrogate = false
            while true {
                guard let byte = current else { throw problem("unterminated string") }
                if pendingHighSurrogate && byte != UInt8(ascii: "\\") { throw problem("unpaired UTF-16 surrogate escape") }
                switch byte {
                case UInt8(ascii: "\""):
                    let text = Array(bytes[start..<index])
                    index += 1
                    return text
                case UInt8(ascii: "\\"):
                    index += 1
                    guard let escaped = current else { throw problem("unterminated string") }
                    if pendingHighSurrogate && escaped != UInt8(ascii: "u") { throw problem("unpaired UTF-16 surrogate escape") }
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 1
                    case UInt8(ascii: "u"):
                        index += 1
                        var unit: UInt16 = 0
                        for _ in 0..<4 {
                            guard let digit = current, let value = hexValue(digit) else {
                                throw problem("\\u needs four hex digits")
                            }
                            unit = unit << 4 | UInt16(value)
                            index += 1
                        }
                        switch unit {
                        case 0xD800...0xDBFF:
                            if pendingHighSurrogate { throw problem("unpaired UTF-16 surrogate escape") }
                            pendingHighSurrogate = true
                        case 0xDC00...0xDFFF:
                            if !pendingHighSurrogate { throw problem("unpaired UTF-16 surrogate escape") }
                            pendingHighSurrogate = false
                        default:
                            if pendingHighSurrogate { throw problem("unpaired UTF-16 surrogate escape") }
                        }
                    default:
                        throw problem("unknown escape \\\(describeCurrent())")
                    }
                case 0x00..<0x20:
                    throw problem("control character \(describeCurrent()) in a string (escape it)")
                case 0x80...0xFF:
                    try utf8Sequence()
                default:
                    index += 1
                }
            }
        }

        /// One well-formed UTF-8 sequence of two to four bytes (no overlongs, no surrogates, ≤ U+10FFFF).
        mutating func utf8Sequence() throws(Problem) {
            let lead = bytes[index]
            let count: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: count = 2
            case 0xE0: count = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: count = 3
            case 0xED: count = 3; high = 0x9F
            case 0xF0: count = 4; low = 0x90
            case 0xF1...0xF3: count = 4
            case 0xF4: count = 4; high = 0x8F
            default: throw problem("invalid UTF-8")
            }
            for position in 1..<count {
                let at = index + position
                guard at < bytes.count else { throw Problem(offset: at, message: "invalid UTF-8") }
                let byte = bytes[at]
                let (min, max) = position == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
                guard byte >= min && byte <= max else { throw Problem(offset: at, message: "invalid UTF-8") }
            }
            index += count
        }

        func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
    }
}
