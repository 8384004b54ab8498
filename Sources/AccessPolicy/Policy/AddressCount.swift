import NetAddress

/// How many addresses a source or block covers, in words an admin reads at a glance:
/// "256 addresses", "every IPv4 address", "16,777,216 addresses (1/256 of all IPv4)".
public struct AddressCount: Hashable, Sendable {
    public var family: IPAddress.Family
    /// The count minus one, so the whole IPv6 space fits.
    public var spanMinusOne: UInt128

    public init(low: IPAddress, high: IPAddress) {
        family = low.family
        switch (low, high) {
        case (.v4(let a), .v4(let b)): spanMinusOne = UInt128(b &- a)
        case (.v6(let a), .v6(let b)): spanMinusOne = b &- a
        default: spanMinusOne = 0
        }
    }

    public init(_ source: AddressSource) {
        self.init(low: source.bounds.low, high: source.bounds.high)
    }

    /// Every address of the family (`0.0.0.0/0`, `::/0`).
    public var isEverything: Bool {
        spanMinusOne == (family == .inet ? UInt128(UInt32.max) : UInt128.max)
    }

    /// A /8 of IPv4 or more, a /32 of IPv6 or more: a share of the Internet no single
    /// site or load balancer owns.
    public var isLargeShare: Bool {
        family == .inet ? spanMinusOne >= (1 << 24) - 1 : spanMinusOne >= (UInt128(1) << 96) - 1
    }

    /// More than one address.
    public var isWide: Bool { spanMinusOne > 0 }

    public var words: String {
        let name = family == .inet ? "IPv4" : "IPv6"
        if isEverything { return "every \(name) address" }
        if spanMinusOne == 0 { return "1 address" }
        let bits = 128 - (spanMinusOne &+ 1).leadingZeroBitCount - 1
        let exactPower = (spanMinusOne &+ 1) == (UInt128(1) << bits)
        let total = family == .inet ? 32 : 128
        var text: String
        if spanMinusOne < 1_000_000_000_000 {
            text = "\(Self.grouped(spanMinusOne + 1)) addresses"
        } else {
            text = exactPower ? "2^\(bits) addresses" : "more than 2^\(bits) addresses"
        }
        if isLargeShare && exactPower { text += " (1/\(Self.grouped(UInt128(1) << (total - bits))) of all \(name))" }
        else if isLargeShare { text += " (a large share of all \(name))" }
        return text
    }

    static func grouped(_ value: UInt128) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }
}
