import AccessPolicy
import NetAddress
import ProxyProtocol
import Testing
@testable import GateCore

/// Endpoints, entries and headers the state machine tests share.
enum Fixture {
    static let local = SocketEndpoint(address: .v4(0x7F00_0001), port: 143)
    /// A flagged load balancer.
    static let balancer = SocketEndpoint(address: .v4(0x7F00_0002), port: 40000)
    static let directPeer = SocketEndpoint(address: .v4(0x7F00_0003), port: 40001)
    /// The real client `header` names, and the address it says it connected to.
    static let realClient = SocketEndpoint(address: .v4(0xC000_0207), port: 50000)
    static let originalDestination = SocketEndpoint(address: .v4(0xC000_0201), port: 993)

    static let flagged = MatchedEntry(kind: .whitelist, entry: entry("127.0.0.2", proxy: true))
    static let banned = MatchedEntry(kind: .blacklist, entry: entry("192.0.2.7"))

    static let header = Array("PROXY TCP4 192.0.2.7 192.0.2.1 50000 993\r\n".utf8)
    static let clientCommand = Array("a1 NOOP\r\n".utf8)

    /// The start of a v2 header announcing 200 bytes after its fixed 16 (TCP4), then 15 more
    /// bytes: the addresses and a TLV longer than the header. The incremental decoder looks
    /// at 16 bytes and then not before 32, so only a last look (`settle`) sees the bad TLV.
    static let v2Start = ProxySignature.v2 + [0x21, 0x11, 0x00, 200]
    static let v2BadTLV = [UInt8](repeating: 1, count: 12) + [0x20, 0xFF, 0xFF]

    static func entry(_ source: String, proxy: Bool = false) -> AccessEntry {
        AccessEntry(id: source, source: try! AddressSource(parsing: source), services: .all, tcpProxy: proxy)
    }
}

/// A policy that refuses the real clients it lists.
struct Refusing: RealClientPolicy {
    var refused: [IPAddress: MatchedEntry] = [:]
    func refusal(ofRealClient client: IPAddress) -> MatchedEntry? { refused[client] }
    static let nobody = Refusing()
}

/// The states the matrix starts from, each reached through events from a fresh machine.
enum Start: String, CaseIterable, CustomTestStringConvertible {
    case idle
    case awaitingHeader
    /// Direct, its first bytes not yet told apart from a PROXY signature.
    case connectingSniffing
    /// Direct, its first bytes known to be its own.
    case connectingDirect
    case connectingProxied
    case relayingSniffing
    case relayingDirect
    case relayingProxied
    /// Refused after a header wait.
    case finished
    /// A direct client refused before it was counted (shutdown while connecting).
    case finishedOwingCount
    case closed

    var testDescription: String { rawValue }

    var machine: ConnectionStateMachine {
        var machine = ConnectionStateMachine()
        switch self {
        case .idle:
            break
        case .awaitingHeader:
            _ = machine.accept(peer: Fixture.balancer, local: Fixture.local,
                               decision: .requireProxyHeader(timeout: .seconds(5), Fixture.flagged))
        case .connectingSniffing:
            _ = machine.accept(peer: Fixture.directPeer, local: Fixture.local, decision: .direct(nil))
        case .connectingDirect:
            machine = Start.connectingSniffing.machine
            _ = machine.clientRead(byteCount: Fixture.clientCommand.count)
            _ = machine.checkSignature(held: Fixture.clientCommand)
        case .connectingProxied:
            machine = Start.awaitingHeader.machine
            _ = machine.clientRead(byteCount: Fixture.header.count)
            _ = machine.decodeHeader(held: Fixture.header, realClients: Refusing.nobody)
        case .relayingSniffing:
            machine = Start.connectingSniffing.machine
            _ = machine.upstreamConnected()
        case .relayingDirect:
            machine = Start.connectingDirect.machine
            _ = machine.upstreamConnected()
        case .relayingProxied:
            machine = Start.connectingProxied.machine
            _ = machine.upstreamConnected()
        case .finished:
            machine = Start.awaitingHeader.machine
            _ = machine.headerTimerFired(held: [UInt8]())
        case .finishedOwingCount:
            machine = Start.connectingSniffing.machine
            _ = machine.shutdown()
        case .closed:
            machine = Start.connectingSniffing.machine
            _ = machine.clientClosed()
        }
        return machine
    }

    /// The peer the machine was accepted with.
    var peer: SocketEndpoint {
        switch self {
        case .awaitingHeader, .connectingProxied, .relayingProxied, .finished: Fixture.balancer
        default: Fixture.directPeer
        }
    }
}

extension ConnectionStateMachine {
    /// The state's name, without its payload.
    var phase: String {
        switch state {
        case .idle: "idle"
        case .awaitingHeader: "awaitingHeader"
        case .connecting: "connecting"
        case .relaying: "relaying"
        case .finished: "finished"
        case .closed: "closed"
        }
    }
}
