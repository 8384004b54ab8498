// The console under a reject flood, headless: the real ConsoleModel, screens and main loop
// (ConsoleApp), fed like the live session feeds them, with 10,000 open connections.
//
//   swift run -c release ConsoleBench [--connections N] [--rate EVENTS_PER_S]
//                                     [--idle SECONDS] [--flood SECONDS] [--poll-connections]
//
// Phases: idle (the connections open, no events), then a flood of spoofed PROXY headers
// from direct sources (accepted, rejected, closed: three events each) with a key every
// 100 ms (`1`, `j`, `2`, ... as a user looking at the flood would press). It prints the
// console thread's CPU in each phase, the CPU time of each round of the main loop (apply
// what arrived, draw, handle a key), what one frame of each view costs at the end, and how
// long each key took (wall clock) from the press to the frame that shows its answer.
// `--poll-connections` adds what the console did before it followed connections from
// events: decode and apply the full list every 2 s (for the before/after comparison).
import Console
import ConsoleFixture
import MailgateAPI
import Foundation
import NetAddress

struct Options {
    var connections = 10_000
    var rate = 1_000
    var idle = 10.0
    var flood = 20.0
    var pollConnections = false

    init(_ arguments: [String]) {
        var rest = arguments.makeIterator()
        while let argument = rest.next() {
            func value() -> String {
                guard let v = rest.next() else { fatalError("\(argument) needs a value") }
                return v
            }
            switch argument {
            case "--connections": connections = Int(value()) ?? connections
            case "--rate": rate = Int(value()) ?? rate
            case "--idle": idle = Double(value()) ?? idle
            case "--flood": flood = Double(value()) ?? flood
            case "--poll-connections": pollConnections = true
            default: fatalError("unknown argument \(argument); see the comment at the top of main.swift")
            }
        }
    }
}

func milliseconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }

/// CPU seconds of the calling thread (user + system).
func threadCPU() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// A terminal in memory whose `readKey` waits like curses does (up to its timeout, or until
/// a key comes), and which times every key from the moment it was pressed to the frame
/// that shows its answer.
final class PacedBackend: TerminalBackend, @unchecked Sendable {
    let width = 120, height = 40
    private let condition = NSCondition()
    private var keys: [(Key, Double)] = []
    private var answering: Double?
    private(set) var latencies: [Double] = []
    private(set) var flushes = 0
    private var pressedCount = 0

    var size: (width: Int, height: Int) { (width, height) }

    /// From any thread.
    func press(_ key: Key) {
        condition.lock()
        keys.append((key, milliseconds()))
        pressedCount += 1
        condition.signal()
        condition.unlock()
    }

    var pressed: Int {
        condition.lock()
        defer { condition.unlock() }
        return pressedCount
    }

    func flush(_ buffer: CellBuffer) {
        flushes += 1
        if let pressed = answering { latencies.append(milliseconds() - pressed); answering = nil }
    }

    func readKey(timeoutMilliseconds: Int) -> Key? {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(Double(timeoutMilliseconds) / 1000)
        while keys.isEmpty, condition.wait(until: deadline) {}
        guard !keys.isEmpty else { return nil }
        let (key, pressed) = keys.removeFirst()
        answering = pressed
        return key
    }

    func shutdown() {}
}

/// What the network side posts, drained by the main loop each round (as ConsoleSession does).
final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []
    private var lists: [ConnectionsResponse] = []

    func post(_ batch: [Event]) { lock.withLock { events += batch } }
    func post(_ list: ConnectionsResponse) { lock.withLock { lists.append(list) } }
    var isEmpty: Bool { lock.withLock { events.isEmpty && lists.isEmpty } }

    func drain(into model: inout ConsoleModel) {
        let (batch, full) = lock.withLock { () -> ([Event], [ConnectionsResponse]) in
            defer { events = []; lists = [] }
            return (events, lists)
        }
        for list in full { model.apply(connections: list) }
        for event in batch { model.apply(event: event) }
    }
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
}

func format(_ value: Double) -> String { String(format: "%.2f", value) }

let options = Options(Array(CommandLine.arguments.dropFirst()))
let start = Date()

// The daemon as the console sees it: the fixture's lists and status, N open connections.
var connections = ConsoleFixture.connections(now: start)
for n in 0..<options.connections {
    let peer = SocketEndpoint("10.\(n / 65_536 % 256).\(n / 256 % 256).\(n % 256):\(40_000 + n % 20_000)")!
    let state: ConnectionState = n % 3 == 0 ? .relayingProxied : .relayingDirect
    let real = state == .relayingProxied ? SocketEndpoint("100.64.\(n / 256 % 256).\(n % 256):51000") : nil
    let snapshot = ConnectionSnapshot(id: ConnectionID(UInt64(100_000 + n)), service: n % 2 == 0 ? "imap" : "smtp",
                                      listener: "0.0.0.0:143", peer: peer, realClient: real, entryID: nil, entrySource: nil,
                                      state: state, started: start.addingTimeInterval(-Double(n % 7_200)),
                                      bytesFromClient: UInt64(n * 17), bytesToClient: UInt64(n * 101))
    if state == .relayingProxied { connections.proxied.append(snapshot) } else { connections.direct.append(snapshot) }
}
var model = ConsoleFixture.model(now: start)
model.apply(link: .connected)
model.apply(connections: connections)

// The full list as JSON, for --poll-connections (what the console fetched every 2 s).
let encoder = JSONEncoder()
encoder.dateEncodingStrategy = .iso8601
let decoder = JSONDecoder()
decoder.dateDecodingStrategy = .iso8601
let listJSON = try encoder.encode(connections)

let backend = PacedBackend()
let mailbox = Mailbox()
let app = ConsoleApp(model: model, backend: backend, perform: { _, _ in }, onTick: { mailbox.drain(into: &$0) }, hasNews: { !mailbox.isEmpty })

// The flood: spoofed PROXY headers from direct sources, `rate` events a second in 10 ms batches.
let flooding = ManagedAtomicFlag()
let stop = ManagedAtomicFlag()
let firstSequence = model.lastSequence
let generator = Thread { [mailbox, options, decoder, listJSON, flooding, stop, firstSequence] in
    var sequence = firstSequence
    var connection: UInt64 = 1_000_000
    var due = 0.0
    let startedAt = milliseconds()
    var lastPoll = startedAt
    while !stop.value {
        Thread.sleep(forTimeInterval: 0.01)
        let now = milliseconds()
        if options.pollConnections, now - lastPoll >= 2_000 {
            lastPoll = now
            if let list = try? decoder.decode(ConnectionsResponse.self, from: listJSON) { mailbox.post(list) }
        }
        guard flooding.value else { due = 0; continue }
        due += Double(options.rate) * 0.01
        var batch: [Event] = []
        while due >= 3 {
            due -= 3
            connection += 1
            let peer = IPAddress("198.51.100.\(connection % 50 + 1)")
            let time = Date()
            let accepted = GateEvent(time: time, kind: .accepted, connection: ConnectionID(connection), service: "imap",
                                     listener: "0.0.0.0:143", peer: peer, detail: ConnectionState.relayingDirect.rawValue)
            let rejected = GateEvent(time: time, kind: .rejected, connection: ConnectionID(connection), service: "imap",
                                     listener: "0.0.0.0:143", peer: peer, reason: .proxyHeaderFromUntrustedSource)
            let closed = GateEvent(time: time, kind: .closed, connection: ConnectionID(connection), service: "imap",
                                   listener: "0.0.0.0:143", peer: peer)
            batch += [Event(sequence: sequence + 1, accepted), Event(sequence: sequence + 2, rejected),
                      Event(sequence: sequence + 3, closed)]
            sequence += 3
        }
        if !batch.isEmpty { mailbox.post(batch) }
    }
}
generator.start()

// The user: a key every 100 ms of wall clock while typing, however busy the console is.
let typing = ManagedAtomicFlag()
let typist = Thread { [backend, typing, stop] in
    let keys: [Key] = [.character("j"), .character("1"), .character("j"), .character("k"), .character("2"), .character("j")]
    var next = 0
    while !stop.value {
        Thread.sleep(forTimeInterval: 0.1)
        guard typing.value else { continue }
        backend.press(keys[next % keys.count])
        next += 1
    }
}
typist.start()

/// Runs the main loop for `seconds`; returns the console thread's CPU share and each round's
/// work (CPU ms: tick, apply what arrived, draw, handle the key).
@MainActor func run(for seconds: Double, typing keys: Bool) -> (cpu: Double, elapsed: Double, work: [Double], frames: Int, applied: Double) {
    let begin = milliseconds()
    let end = begin + seconds * 1000
    let cpu0 = threadCPU()
    let sequence0 = app.model.lastSequence
    let frames0 = backend.flushes
    var work: [Double] = []
    typing.value = keys
    while milliseconds() < end {
        // The thread's CPU time, not the wall clock: waiting for a key costs none, and other
        // processes on the machine do not count.
        let started = threadCPU()
        app.step()
        work.append((threadCPU() - started) * 1000)
    }
    // A round that overran (the old console under the flood) makes the phase longer than asked.
    typing.value = false
    let elapsed = (milliseconds() - begin) / 1000
    return ((threadCPU() - cpu0) / elapsed * 100, elapsed, work, backend.flushes - frames0,
            Double(app.model.lastSequence - sequence0) / elapsed)
}

app.step()  // the first frame
let idle = run(for: options.idle, typing: false)
for key in [Key.character("1"), .character("j"), .character("2")] { backend.press(key); app.step() }
app.step()  // the frame answering the last of them
let latenciesBefore = backend.latencies.count
let pressedBefore = backend.pressed
flooding.value = true
let flood = run(for: options.flood, typing: true)
flooding.value = false
stop.value = true
let latencies = Array(backend.latencies.dropFirst(latenciesBefore))

print("console benchmark: \(options.connections) open connections, \(options.rate) events/s"
      + (options.pollConnections ? ", full list polled every 2 s" : ""))
print("phase   seconds  console-thread CPU %  frames  events applied/s  CPU ms per round (p50 / p99 / max)")
for (name, phase) in [("idle", idle), ("flood", flood)] {
    func column(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
    print(column(name, 7) + " " + column(format(phase.elapsed), 8) + " " + column(format(phase.cpu), 21) + " "
          + column(String(phase.frames), 7) + " " + column(String(Int(phase.applied)), 17) + " "
          + "\(format(percentile(phase.work, 0.5))) / \(format(percentile(phase.work, 0.99))) / \(format(phase.work.max() ?? .nan))")
}
print("keys during the flood: \(backend.pressed - pressedBefore) pressed, \(latencies.count) answered; press to frame ms p50 \(format(percentile(latencies, 0.5))), "
      + "p99 \(format(percentile(latencies, 0.99))), max \(format(latencies.max() ?? .nan))")
// One frame of each view, drawn 200 times over the model as the flood left it.
var frameCosts: [String] = []
var last = app.model
for view in [ConsoleView.connections, .rejects, .whitelist] {
    last.view = view
    var costs: [Double] = []
    for _ in 0..<200 {
        let started = threadCPU()
        _ = ConsoleScreen.render(last, width: backend.width, height: backend.height)
        costs.append((threadCPU() - started) * 1000)
    }
    frameCosts.append("\(view.title) \(format(percentile(costs, 0.5))) / \(format(percentile(costs, 0.99)))")
}
print("one frame, CPU ms (p50 / p99), 120×40: " + frameCosts.joined(separator: ", "))
print("events applied: last sequence \(app.model.lastSequence), rejects rows \(app.model.rejects.count)")

/// A flag two threads share.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool {
        get { lock.withLock { flag } }
        set { lock.withLock { flag = newValue } }
    }
}
