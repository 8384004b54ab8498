import NetAddress

/// PROXY protocol v1: one text line, "PROXY TCP4|TCP6 src dst sport dport\r\n" or
/// "PROXY UNKNOWN[ anything]\r\n", single spaces, at most 107 bytes.
extension ProxyHeaderDecoder {
    /// nil while `bytes` is still the start of a valid line.
    static func decodeV1(_ bytes: [UInt8]) throws(ProxyHeaderError) -> (header: ProxyHeader, consumed: Int)? {
        let signature = ProxySignature.v1
        for index in 0..<min(bytes.count, signature.count) where bytes[index] != signature[index] {
            throw ProxyHeaderError("v1: expected \"PROXY \" but got \(quoted(bytes.prefix(index + 1)))")
        }
        guard bytes.count > signature.count else { return nil }

        // The CR must leave room for its LF within maximumV1Length bytes.
        let lastCROffset = maximumV1Length - 2
        let searchEnd = min(bytes.count, lastCROffset + 1)
        var carriageReturn: Int?
        for index in signature.count..<searchEnd {
            if bytes[index] == ASCII.cr { carriageReturn = index; break }
            if bytes[index] == ASCII.lf { throw ProxyHeaderError("v1: bare LF at offset \(index) (the line must end with CRLF)") }
        }
        // Field errors first: they say more than a missing CRLF does.
        let header = try parseV1Line(bytes, from: signature.count, to: carriageReturn ?? searchEnd,
                                     isComplete: carriageReturn != nil)
        guard let carriageReturn else {
            if bytes.count > lastCROffset {
                throw ProxyHeaderError("v1: no CRLF within the first \(maximumV1Length) bytes")
            }
            return nil
        }
        guard carriageReturn + 1 < bytes.count else { return nil }
        guard bytes[carriageReturn + 1] == ASCII.lf else {
            throw ProxyHeaderError("v1: CR at offset \(carriageReturn) is followed by \(hex(bytes[carriageReturn + 1])), not LF")
        }
        // A complete line parses or throws; no trap on hostile input if that ever breaks.
        guard let header else { throw ProxyHeaderError("v1: line at offset 0 could not be parsed") }
        return (header, carriageReturn + 2)
    }

    /// Checks the text between "PROXY " and the CR, or the end of what arrived when `isComplete` is false.
    private static func parseV1Line(_ bytes: [UInt8], from start: Int, to end: Int, isComplete: Bool)
        throws(ProxyHeaderError) -> ProxyHeader?
    {
        let nameEnd = bytes[start..<end].firstIndex(of: ASCII.space) ?? end
        let name = bytes[start..<nameEnd]
        guard nameEnd < end || isComplete else {
            guard V1Protocol.allCases.contains(where: { $0.token.starts(with: name) }) else {
                throw unknownProtocol(name)
            }
            return nil
        }
        if name.isEmpty {
            throw ProxyHeaderError(nameEnd < end ? "v1: extra space at offset \(start)" : "v1: missing protocol at offset \(start)")
        }
        guard let proto = V1Protocol.allCases.first(where: { $0.token.elementsEqual(name) }) else {
            throw unknownProtocol(name)
        }
        let family: IPAddress.Family
        switch proto {
        case .unknown:
            // The spec has receivers ignore whatever follows "UNKNOWN " up to the CRLF.
            guard isComplete else { return nil }
            return ProxyHeader(version: .v1, command: .proxy, transport: .unspecified, addresses: .unspecified)
        case .tcp4: family = .inet
        case .tcp6: family = .inet6
        }

        let fields = nameEnd == end ? [] : split(bytes, from: nameEnd + 1, to: end)
        var addresses: [IPAddress] = []
        var ports: [UInt16] = []
        for (position, field) in fields.enumerated() {
            let isLast = position == fields.count - 1
            // A field is whole once a space or the CRLF follows it.
            let isFinal = !isLast || isComplete
            guard position < V1Field.allCases.count else {
                if field.isEmpty && isLast && isComplete {
                    throw ProxyHeaderError("v1: trailing space at offset \(field.startIndex - 1)")
                }
                throw ProxyHeaderError("v1: unexpected \(quoted(bytes[(field.startIndex - 1)..<end])) at offset "
                                       + "\(field.startIndex - 1) after the destination port (expected CRLF)")
            }
            if field.isEmpty {
                guard isFinal else { continue }
                throw ProxyHeaderError(isLast
                    ? "v1: trailing space at offset \(field.startIndex - 1)"
                    : "v1: extra space at offset \(field.startIndex)")
            }
            let role = V1Field.allCases[position]
            switch role {
            case .sourceAddress, .destinationAddress:
                if let address = try parseV1Address(field, family: family, role: role, isFinal: isFinal) {
                    addresses.append(address)
                }
            case .sourcePort, .destinationPort:
                if let port = try parseV1Port(field, role: role, isFinal: isFinal) { ports.append(port) }
            }
        }
        guard isComplete else { return nil }
        guard fields.count == V1Field.allCases.count else {
            throw ProxyHeaderError("v1: missing \(V1Field.allCases[fields.count].rawValue) at offset \(end)")
        }
        return ProxyHeader(
            version: .v1, command: .proxy, transport: .stream,
            addresses: .inet(source: SocketEndpoint(address: addresses[0], port: ports[0]),
                             destination: SocketEndpoint(address: addresses[1], port: ports[1])))
    }

    private static func unknownProtocol(_ name: ArraySlice<UInt8>) -> ProxyHeaderError {
        ProxyHeaderError("v1: unknown protocol \(quoted(name)) at offset \(name.startIndex) (expected TCP4, TCP6 or UNKNOWN)")
    }

    /// Splits on every single space, keeping empty fields so that double spaces show.
    private static func split(_ bytes: [UInt8], from start: Int, to end: Int) -> [ArraySlice<UInt8>] {
        bytes[start..<end].split(separator: ASCII.space, omittingEmptySubsequences: false)
    }

    /// nil while the address is still arriving (and could yet be valid).
    private static func parseV1Address(_ text: ArraySlice<UInt8>, family: IPAddress.Family, role: V1Field, isFinal: Bool)
        throws(ProxyHeaderError) -> IPAddress?
    {
        func failure(_ problem: String) -> ProxyHeaderError {
            ProxyHeaderError("v1: \(role.rawValue) \(quoted(text)) at offset \(text.startIndex) \(problem)")
        }
        guard isFinal else {
            let problem = family == .inet ? V1AddressText.ipv4Problem(text, isComplete: false)
                                          : V1AddressText.ipv6PrefixProblem(text)
            if let problem { throw failure(problem) }
            return nil
        }
        let parsed = IPAddress(String(decoding: text, as: UTF8.self))
        switch (family, parsed) {
        case (.inet, .v4(let value)?): return .v4(value)
        case (.inet6, .v6(let value)?): return .v6(value)
        case (.inet, .v6?): throw failure("is IPv6 in a TCP4 line")
        case (.inet6, .v4?): throw failure("is IPv4 in a TCP6 line")
        case (.inet, nil): throw failure(V1AddressText.ipv4Problem(text, isComplete: true) ?? "is not an IPv4 address")
        case (.inet6, nil): throw failure("is not an IPv6 address")
        }
    }

    /// Ports are 0–65535 in plain decimal: no sign, no leading zero.
    private static func parseV1Port(_ text: ArraySlice<UInt8>, role: V1Field, isFinal: Bool)
        throws(ProxyHeaderError) -> UInt16?
    {
        func failure(_ problem: String) -> ProxyHeaderError {
            ProxyHeaderError("v1: \(role.rawValue) \(quoted(text)) at offset \(text.startIndex) \(problem)")
        }
        guard text.allSatisfy(ASCII.isDigit) else { throw failure("is not a decimal number") }
        guard !(text.count > 1 && text.first == ASCII.zero) else { throw failure("has a leading zero") }
        guard text.count <= 5 else { throw failure("is over 65535") }
        let value = text.reduce(0) { $0 * 10 + Int($1 - ASCII.zero) }
        guard value <= Int(UInt16.max) else { throw failure("is over 65535") }
        return isFinal ? UInt16(value) : nil
    }
}

enum V1Protocol: CaseIterable {
    case tcp4, tcp6, unknown

    var token: [UInt8] {
        switch self {
        case .tcp4: Array("TCP4".utf8)
        case .tcp6: Array("TCP6".utf8)
        case .unknown: Array("UNKNOWN".utf8)
        }
    }
}

/// The four fields after TCP4/TCP6, in line order; the raw value names them in errors.
enum V1Field: String, CaseIterable {
    case sourceAddress = "source address"
    case destinationAddress = "destination address"
    case sourcePort = "source port"
    case destinationPort = "destination port"
}
