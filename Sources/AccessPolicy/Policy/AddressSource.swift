import NetAddress

/// What an access entry matches: one address, a CIDR block, or an inclusive range `a-b`.
/// Addresses are normalised (v4-mapped IPv6 becomes IPv4) when parsed.
public enum AddressSource: Hashable, Sendable {
    case address(IPAddress)
    case cidr(IPAddress, prefixLength: Int)
    case range(IPAddress, IPAddress)

    /// Why a source text was refused; `description` is the message shown to the user.
    public struct ParseError: Error, Equatable, CustomStringConvertible, Sendable {
        public let text: String
        public let reason: String
        public var description: String { "invalid source \"\(text)\": \(reason)" }
    }

    /// Parses `192.0.2.1`, `2001:db8::/32`, `192.0.2.10-192.0.2.20`.
    public init(parsing raw: String) throws(ParseError) {
        let text = raw.trimmingSpaces
        func fail(_ reason: String) -> ParseError { ParseError(text: raw, reason: reason) }
        if text.isEmpty { throw fail("empty") }
        if let slash = text.firstIndex(of: "/") {
            guard let base = IPAddress(text[..<slash]) else {
                throw fail("\"\(text[..<slash])\" is not an IPv4 or IPv6 address")
            }
            let lengthText = text[text.index(after: slash)...]
            let normalized = base.normalized
            let mappedOffset = (base.family == .inet6 && normalized.family == .inet) ? 96 : 0
            guard let length = Int(lengthText), lengthText.allSatisfy(\.isASCIIDigit),
                  length >= mappedOffset, length <= base.family.bitWidth else {
                throw fail("prefix length \"\(lengthText)\" must be 0–\(base.family.bitWidth)")
            }
            let effective = length - mappedOffset
            guard normalized.masked(to: effective) == normalized else {
                throw fail("host bits are set; did you mean \(normalized.masked(to: effective))/\(effective)?")
            }
            self = .cidr(normalized, prefixLength: effective)
            return
        }
        if let dash = text.firstIndex(of: "-") {
            let lowText = text[..<dash].trimmingSpaces
            let highText = text[text.index(after: dash)...].trimmingSpaces
            guard let low = IPAddress(lowText)?.normalized else { throw fail("\"\(lowText)\" is not an IPv4 or IPv6 address") }
            guard let high = IPAddress(highText)?.normalized else { throw fail("\"\(highText)\" is not an IPv4 or IPv6 address") }
            guard low.family == high.family else { throw fail("range ends are of different families") }
            guard low <= high else { throw fail("range start \(low) is above its end \(high)") }
            self = .range(low, high)
            return
        }
        guard let address = IPAddress(text) else { throw fail("not an IPv4 or IPv6 address, CIDR or range") }
        self = .address(address.normalized)
    }

    /// The lowest and highest address matched.
    public var bounds: (low: IPAddress, high: IPAddress) {
        switch self {
        case .address(let a): (a, a)
        case .cidr(let a, let length): (a, a.lastAddress(prefixLength: length))
        case .range(let low, let high): (low, high)
        }
    }

    public var family: IPAddress.Family { bounds.low.family }

    /// How many addresses the source covers, minus one (so a /0 IPv6 fits). Smaller is more specific.
    public var spanMinusOne: UInt128 {
        let (low, high) = bounds
        switch (low, high) {
        case (.v4(let a), .v4(let b)): return UInt128(b - a)
        case (.v6(let a), .v6(let b)): return b - a
        default: return 0
        }
    }

    public func contains(_ address: IPAddress) -> Bool {
        let (low, high) = bounds
        return low.family == address.family && low <= address && address <= high
    }
}

extension AddressSource: CustomStringConvertible {
    /// The canonical text, as written back to the access file.
    public var description: String {
        switch self {
        case .address(let a): "\(a)"
        case .cidr(let a, let length): "\(a)/\(length)"
        case .range(let low, let high): "\(low)-\(high)"
        }
    }
}

extension IPAddress {
    /// The address with every bit after the first `prefixLength` cleared.
    public func masked(to prefixLength: Int) -> IPAddress {
        switch self {
        case .v4(let value):
            let mask: UInt32 = prefixLength == 0 ? 0 : ~0 << (32 - prefixLength)
            return .v4(value & mask)
        case .v6(let value):
            let mask: UInt128 = prefixLength == 0 ? 0 : ~0 << (128 - prefixLength)
            return .v6(value & mask)
        }
    }

    /// The last address of the block `self/prefixLength`.
    public func lastAddress(prefixLength: Int) -> IPAddress {
        switch self {
        case .v4(let value):
            let host: UInt32 = prefixLength == 32 ? 0 : ~0 >> prefixLength
            return .v4(value | host)
        case .v6(let value):
            let host: UInt128 = prefixLength == 128 ? 0 : ~0 >> prefixLength
            return .v6(value | host)
        }
    }
}

extension StringProtocol {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
