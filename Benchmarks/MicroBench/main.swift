// Micro-benchmarks of the pure cores (release build: `swift run -c release MicroBench`):
// policy lookup at 100,000 entries and PROXY v1/v2 decode, in ns per operation.
import AccessPolicy
import NetAddress
import ProxyProtocol

func measure(_ name: String, iterations: Int, _ body: (Int) -> Int) {
    var sink = 0
    for i in 0..<min(iterations, 10_000) { sink &+= body(i) }  // warm up
    let clock = ContinuousClock()
    let elapsed = clock.measure {
        for i in 0..<iterations { sink &+= body(i) }
    }
    let (seconds, attoseconds) = elapsed.components
    let nanoseconds = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    let perOp = nanoseconds / Double(iterations)
    print("\(name.padding(48)) \(String(format1: perOp)) ns/op   (\(iterations) ops, checksum \(sink & 0xFF))")
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)".leftPad(8)
    }
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

// 100,000 entries: /32s, /24s and ranges spread over IPv4, plus some IPv6 blocks, half of
// them for every service and half for one.
var generator = SystemRandomNumberGenerator()
var whitelist: [AccessEntry] = []
var blacklist: [AccessEntry] = []
for index in 0..<100_000 {
    let base = UInt32.random(in: 0x0100_0000...0xDF00_0000, using: &generator)
    let source: AddressSource
    switch index % 4 {
    case 0: source = .address(.v4(base))
    case 1: source = .cidr(IPAddress.v4(base).masked(to: 24), prefixLength: 24)
    case 2: source = .range(.v4(base), .v4(base &+ UInt32.random(in: 1...500, using: &generator)))
    default: source = .cidr(IPAddress.v6(UInt128(base) << 96).masked(to: 48), prefixLength: 48)
    }
    let services: ServiceSet = index % 2 == 0 ? .all : .named(["imap"])
    let entry = AccessEntry(id: "e\(index)", source: source, services: services, tcpProxy: index % 10 == 0)
    if index % 3 == 0 { blacklist.append(entry) } else { whitelist.append(entry) }
}
let services = ["imap", "imaps", "pop3", "pop3s", "smtp", "submission"]
let buildClock = ContinuousClock()
var policy: AccessPolicy?
let buildTime = buildClock.measure {
    policy = AccessPolicy(lists: AccessLists(whitelist: whitelist, blacklist: blacklist), services: services)
}
print("policy build, 100,000 entries x \(services.count) services: \(buildTime)")
let compiled = policy!
let probes = (0..<65_536).map { _ in IPAddress.v4(UInt32.random(in: 0...UInt32.max, using: &generator)) }
let probes6 = (0..<65_536).map { _ in IPAddress.v6(UInt128(UInt32.random(in: 0...UInt32.max, using: &generator)) << 96) }
measure("policy lookup, IPv4, 100k entries", iterations: 5_000_000) { i in
    compiled.match(probes[i & 0xFFFF], service: "imap") == nil ? 0 : 1
}
measure("policy lookup, IPv6, 100k entries", iterations: 5_000_000) { i in
    compiled.match(probes6[i & 0xFFFF], service: "imap") == nil ? 0 : 1
}
measure("policy decision (lookup + verdict), IPv4", iterations: 5_000_000) { i in
    compiled.decision(peer: probes[i & 0xFFFF], service: "smtp", proxyHeaderTimeout: .seconds(3)).name.count
}

let v1 = Array("PROXY TCP4 203.0.113.77 192.0.2.1 51234 143\r\n".utf8)
let v1six = Array("PROXY TCP6 2001:db8::77 2001:db8::1 51234 143\r\n".utf8)
let v2 = ProxyHeader(version: .v2, command: .proxy, transport: .stream,
                     addresses: .inet(source: SocketEndpoint("203.0.113.77:51234")!, destination: SocketEndpoint("192.0.2.1:143")!),
                     tlvs: []).encoded()
let v2tlv = ProxyHeader(version: .v2, command: .proxy, transport: .stream,
                        addresses: .inet(source: SocketEndpoint("203.0.113.77:51234")!, destination: SocketEndpoint("192.0.2.1:143")!),
                        tlvs: [.alpn(Array("imap".utf8)), .authority("mail.example.net"), .uniqueID(Array(repeating: 7, count: 16))])
    .encoded(checksum: true)
func consumed(_ result: ProxyHeaderDecoding) -> Int {
    if case .decoded(_, let count) = result { return count }
    return -1
}
measure("PROXY v1 decode (TCP4)", iterations: 2_000_000) { _ in consumed(ProxyHeaderDecoder.decode(v1)) }
measure("PROXY v1 decode (TCP6)", iterations: 2_000_000) { _ in consumed(ProxyHeaderDecoder.decode(v1six)) }
measure("PROXY v2 decode (INET, no TLV)", iterations: 2_000_000) { _ in consumed(ProxyHeaderDecoder.decode(v2)) }
measure("PROXY v2 decode (INET, 3 TLVs + CRC32C)", iterations: 2_000_000) { _ in consumed(ProxyHeaderDecoder.decode(v2tlv)) }
measure("PROXY v2 encode (INET, no TLV)", iterations: 2_000_000) { i in
    ProxyHeader(version: .v2, command: .proxy, transport: .stream,
                addresses: .inet(source: SocketEndpoint(address: .v4(UInt32(i)), port: 1000), destination: SocketEndpoint(address: .v4(1), port: 143)),
                tlvs: []).encoded().count
}
