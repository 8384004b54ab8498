/// An address and a port, as written in configuration: `192.0.2.1:143`, `[2001:db8::1]:143`.
public struct SocketEndpoint: Hashable, Sendable {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// Parses `a.b.c.d:port` or `[v6]:port`. Port 0 is refused.
    public init?(_ text: some StringProtocol) {
        let text = Substring(text)
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
            guard let v6 = IPAddress.parseV6(hostPart) else { return nil }
            address = .v6(v6)
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            guard let v4 = IPAddress.parseV4(hostPart) else { return nil }
            address = .v4(v4)
        }
        guard (1...5).contains(portPart.utf8.count),
              portPart.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              !(portPart.utf8.count > 1 && portPart.utf8.first == 0x30),
              let value = UInt16(portPart), value != 0 else { return nil }
        port = value
    }
}

extension SocketEndpoint: CustomStringConvertible {
    public var description: String {
        switch address {
        case .v4: "\(address):\(port)"
        case .v6: "[\(address)]:\(port)"
        }
    }
}
