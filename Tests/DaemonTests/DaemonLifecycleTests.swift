import AccessPolicy
import Demo
import Foundation
import Logging
import NIOCore
import NIOPosix
import NetAddress
import Synchronization
import Testing
import TestSupport
@testable import Daemon

/// The daemon in-process on 127.0.0.1 (port 0) in front of a greeting upstream, with a
/// companion standing in for the demo's console. No signals are sent: the process is shared.
@Suite(.serialized) struct DaemonLifecycleTests {
    @Test func aCompanionThatStopsTheDaemonEndsItAndTheControlSocketGoes() async throws {
        try await withDaemonSetup { daemon, socket in
            let sawSocket = Counter()
            let started = ContinuousClock.now
            try await daemon.run(beside: Companion(stopsDaemonWhenDone: true) { _ in
                if FileManager.default.fileExists(atPath: socket) { sawSocket.add() }
            })
            #expect(sawSocket.value == 1)
            #expect(!FileManager.default.fileExists(atPath: socket))
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test func aConnectionThatHangsIsClosedAtTheGraceDeadlineAndTheDaemonStops() async throws {
        try await withDaemonSetup { daemon, _ in
            let held = Held()
            try await daemon.run(beside: Companion(stopsDaemonWhenDone: true) { running in
                guard let port = running.listeningPorts.first else { return }
                let greeted = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: Void.self)
                let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(FirstRead(greeted))
                        }
                    }
                    .connect(host: "127.0.0.1", port: port).get()
                try? await greeted.futureResult.get()
                held.set(channel, stoppingFrom: .now)
            })
            let (channel, stoppingFrom) = try #require(held.value)
            let took = ContinuousClock.now - stoppingFrom
            // grace is 1s; the gate then closes what is left and waits for it at most 3s more.
            #expect(took >= .milliseconds(900) && took < .seconds(4), "stopping took \(took)")
            try await channel.closeFuture.get()
        }
    }

    @Test func aSecondDaemonOnTheSameSocketRefusesAndLeavesTheFirstServing() async throws {
        try await withDaemonSetup { daemon, socket in
            let refusal = Message()
            try await daemon.run(beside: Companion(stopsDaemonWhenDone: true) { _ in
                do {
                    try await daemon.run(beside: Companion(stopsDaemonWhenDone: true) { _ in })
                } catch {
                    refusal.set("\(error)")
                }
                if !FileManager.default.fileExists(atPath: socket) { refusal.set("the first daemon's socket was removed") }
            })
            let text = try #require(refusal.text)
            #expect(text.contains("another mailgate daemon"), "\(text)")
        }
    }

    @Test func aListenAddressInUseFailsTheStartAndRemovesTheControlSocket() async throws {
        let blocker = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        defer { blocker.close(promise: nil) }
        let port = try #require(blocker.localAddress?.port)
        try await withDaemonSetup(port: port) { daemon, socket in
            let failure = await #expect(throws: DaemonFailure.self) {
                try await daemon.run(beside: Companion(stopsDaemonWhenDone: true) { _ in })
            }
            #expect(failure?.description.contains("cannot listen on 127.0.0.1:\(port) for imap") == true, "\(String(describing: failure))")
            #expect(!FileManager.default.fileExists(atPath: socket))
        }
    }
}

/// The connection a companion left open, and when the daemon began to stop.
final class Held: Sendable {
    private let stored = Mutex<(Channel, ContinuousClock.Instant)?>(nil)
    func set(_ channel: Channel?, stoppingFrom start: ContinuousClock.Instant) {
        if let channel { stored.withLock { $0 = (channel, start) } }
    }
    var value: (Channel, ContinuousClock.Instant)? { stored.withLock { $0 } }
}

/// Fulfils a promise on the first bytes read (the upstream's greeting, relayed).
final class FirstRead: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let promise: EventLoopPromise<Void>
    init(_ promise: EventLoopPromise<Void>) { self.promise = promise }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) { promise.succeed(()) }
    func channelInactive(context: ChannelHandlerContext) { promise.fail(ChannelError.alreadyClosed) }
}

final class Message: Sendable {
    private let stored = Mutex<String?>(nil)
    func set(_ text: String) { stored.withLock { $0 = $0 ?? text } }
    var text: String? { stored.withLock { $0 } }
}

func withDaemonSetup(port: Int = 0, _ body: (Daemon, String) async throws -> Void) async throws {
    let temporary = try TemporaryDirectory(prefix: "mgd")
    let folder = temporary.path
    defer { temporary.remove() }
    let upstream = GreetingServer(expectsProxyHeader: true)
    let upstreamPort = try await upstream.start(group: MultiThreadedEventLoopGroup.singleton)
    try "".write(toFile: folder + "/access.toml", atomically: true, encoding: .utf8)
    let listener = ListenerConfiguration(
        service: "imap", listen: [SocketEndpoint(address: .v4(0x7F00_0001), port: UInt16(port))],
        upstream: SocketEndpoint(address: .v4(0x7F00_0001), port: UInt16(upstreamPort)),
        upstreamProxy: .v2, proxyHeaderTimeout: .seconds(5), replyProtocol: .imap, connectTimeout: .seconds(2))
    let configuration = GateConfiguration(path: folder + "/mailgate.toml", accessFile: folder + "/access.toml",
                                          control: ControlConfiguration(socket: folder + "/control.sock"),
                                          listeners: [listener], shutdownGrace: .seconds(1))
    var logger = Logger(label: "daemon-test")
    logger.logLevel = .critical
    let daemon = Daemon(configuration: configuration, lists: AccessLists(), logger: logger, version: "test")
    func tearDown() async {
        await upstream.stop()
        // The daemon switched these off for the whole process; the test runner wants them back.
        for number in [SIGTERM, SIGINT, SIGHUP] { signal(number, SIG_DFL) }
    }
    do {
        try await body(daemon, configuration.control.socket)
    } catch {
        await tearDown()
        throw error
    }
    await tearDown()
}
