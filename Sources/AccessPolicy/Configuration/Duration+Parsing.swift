/// Durations as written in the configuration: `"3s"`, `"500ms"`, `"2m"`, `"1h"`, `"1m30s"`.
/// (Writing them back is `Duration.configText`, in the Gate module.)
extension Duration {
    /// Why a duration text was refused; `description` is the message shown to the user.
    public struct ParseError: Error, Equatable, CustomStringConvertible, Sendable {
        public let text: String
        public let reason: String
        public var description: String { "\"\(text)\" is not a duration: \(reason)" }
    }

    private static let units: [(name: String, milliseconds: Int64)] = [
        ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]
    private static let unitList = "h, m, s, ms"

    /// Parses whole numbers each followed by a unit (`h`, `m`, `s`, `ms`), largest unit first.
    public init(parsing raw: String) throws(ParseError) {
        func fail(_ reason: String) -> ParseError { ParseError(text: raw, reason: reason) }
        func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        let text = Array(raw.trimmingSpaces.utf8)
        if text.isEmpty { throw fail("it is empty; write e.g. \"3s\", \"500ms\", \"2m\"") }
        var total: Int64 = 0
        var lastUnitRank = -1
        var index = 0
        while index < text.count {
            let numberStart = index
            while index < text.count, (0x30...0x39).contains(text[index]) { index += 1 }
            let digits = String(decoding: text[numberStart..<index], as: UTF8.self)
            if digits.isEmpty {
                throw fail("expected a number at \"\(String(decoding: text[index...], as: UTF8.self))\"")
            }
            if index < text.count, text[index] == UInt8(ascii: ".") {
                throw fail("fractions are not supported; use a smaller unit, e.g. \"1500ms\" for 1.5s")
            }
            let unitStart = index
            while index < text.count, isLetter(text[index]) { index += 1 }
            let unit = String(decoding: text[unitStart..<index], as: UTF8.self)
            if unit.isEmpty, index < text.count {
                let rest = String(decoding: text[index...], as: UTF8.self)
                throw fail("unexpected \"\(rest)\" after \(digits); write e.g. \"\(digits)s\" (units: \(Self.unitList))")
            }
            if unit.isEmpty { throw fail("\(digits) has no unit; write e.g. \"\(digits)s\" (units: \(Self.unitList))") }
            guard let rank = Self.units.firstIndex(where: { $0.name == unit }) else {
                throw fail("unknown unit \"\(unit)\" (units: \(Self.unitList))")
            }
            guard rank > lastUnitRank else {
                throw fail("write units once each, largest first, e.g. \"1h30m\" or \"1m30s\"")
            }
            lastUnitRank = rank
            guard let number = Int64(digits) else { throw fail("\(digits) is too large") }
            let (product, overflowProduct) = number.multipliedReportingOverflow(by: Self.units[rank].milliseconds)
            let (sum, overflowSum) = total.addingReportingOverflow(product)
            guard !overflowProduct, !overflowSum, sum <= Int64.max / 1_000_000 else { throw fail("it is too large") }
            total = sum
        }
        self = .milliseconds(total)
    }
}

extension Duration {
    /// `3s`, `1500ms`, `2m`: the way durations are written in the configuration.
    public var configText: String {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 != 0 { return "\(milliseconds)ms" }
        if seconds != 0 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds != 0 && seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    /// The duration in seconds, fractions included.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
