import Foundation
import NIOCore

/// What one LoadGen run does, from the command line.
struct Options {
    enum Mode: String { case short, bulk, idle }

    var mode = Mode.short
    var label = "target"
    var port = 0
    /// Send a PROXY v2 header first (the client plays the load balancer).
    var proxyHeader = false
    /// Source addresses to bind, used in turn: `127.0.0.2` or a range `127.0.0.10-127.0.0.40`.
    var sources: [String] = ["127.0.0.1"]
    var concurrency = 64
    var threads = 1
    /// Short sessions: stop after this many measured sessions, or at `duration`, whichever first.
    var count = 1_000_000
    /// Short sessions: start this many sessions a second in all (0: as fast as possible).
    var rate = 0.0
    var duration = 5.0
    /// Sessions in the first `warmup` seconds are not measured.
    var warmup = 0.5
    /// Bulk: bytes per write.
    var chunk = 64 * 1024
    /// Idle: connections to open.
    var idle = 1000
    /// Idle: how long to hold the connections once all are greeted. Bulk: if above 0, keep the
    /// connections open and quiet this long after streaming (memory after activity).
    var hold = 0.0
    /// Bulk and idle: open the connections in this many batches, each left open, with a READY
    /// line and `hold` after each (so a later batch can be measured against an earlier one).
    /// Bulk batches are of `concurrency` connections; idle ones split `idle`.
    var batches = 1

    static let usage = """
        usage: LoadGen --mode short|bulk|idle --port P [--label NAME] [--proxy-header]
                       [--sources 127.0.0.2 | 127.0.0.10-127.0.0.40] [--concurrency N] [--threads T]
                       [--count C] [--rate R] [--duration S] [--warmup S] [--chunk BYTES] [--idle K] [--hold S] [--batches B]
        """

    init(_ arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        func value(_ name: String) throws -> String {
            guard let value = iterator.next() else { throw UsageError("\(name) needs a value") }
            return value
        }
        func number<T: LosslessStringConvertible>(_ name: String) throws -> T {
            let text = try value(name)
            guard let number = T(text) else { throw UsageError("\(name): not a number: \(text)") }
            return number
        }
        while let argument = iterator.next() {
            switch argument {
            case "--mode":
                let text = try value(argument)
                guard let mode = Mode(rawValue: text) else { throw UsageError("--mode: \(text)") }
                self.mode = mode
            case "--label": label = try value(argument)
            case "--port": port = try number(argument)
            case "--proxy-header": proxyHeader = true
            case "--sources": sources = try Self.expand(try value(argument))
            case "--concurrency": concurrency = max(1, try number(argument))
            case "--threads": threads = max(1, try number(argument))
            case "--count": count = try number(argument)
            case "--rate": rate = max(0, try number(argument))
            case "--duration": duration = try number(argument)
            case "--warmup": warmup = try number(argument)
            case "--chunk": chunk = max(1, try number(argument))
            case "--idle": idle = try number(argument)
            case "--hold": hold = try number(argument)
            case "--batches": batches = max(1, try number(argument))
            default: throw UsageError("unknown argument \(argument)")
            }
        }
        guard port > 0 else { throw UsageError("--port is required") }
    }

    /// `127.0.0.10-127.0.0.40` → every address in between (last octet only, which is all we need).
    static func expand(_ text: String) throws -> [String] {
        let parts = text.split(separator: "-").map(String.init)
        guard parts.count == 2 else { return [text] }
        let first = parts[0].split(separator: "."), last = parts[1].split(separator: ".")
        guard first.count == 4, last.count == 4, first[..<3] == last[..<3],
              let low = Int(first[3]), let high = Int(last[3]), low <= high else {
            throw UsageError("--sources: expected a.b.c.X-a.b.c.Y, got \(text)")
        }
        let prefix = first[..<3].joined(separator: ".")
        return (low...high).map { "\(prefix).\($0)" }
    }

    func sourceAddresses() throws -> [SocketAddress] {
        try sources.map { try SocketAddress(ipAddress: $0, port: 0) }
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
