import AccessPolicy
import NIOCore
import NIOPosix
import NetAddress
import Testing
@testable import Gate

/// Listening on IPv6, idle connections, and a slow upstream that must not make the gate buffer.
@Suite struct GateFlowTests {
    @Test func ipv6AndIPv4ListenersServeSideBySide() async throws {
        let v4 = SocketEndpoint(address: .v4(0x7F00_0001), port: 0)
        let v6 = SocketEndpoint(address: IPAddress("::1")!, port: 0)
        try await withGate(blacklist: [entry("::1")], listen: [v4, v6]) { fixture in
            let overV4 = try await fixture.connect(from: "127.0.0.3", to: v4)
            try await overV4.waitFor("* OK")
            // ::1 is blacklisted: proof the v6 listener decides on the v6 source address.
            let overV6 = try await fixture.connect(from: "::1", to: v6)
            try await overV6.waitFor("* BYE [UNAVAILABLE] access from ::1 is denied by policy")
            await overV4.close()
        }
    }

    @Test func idleConnectionIsClosedAfterTheIdleTimeout() async throws {
        try await withGate(idleTimeout: .milliseconds(400)) { fixture in
            // Timed from before the connect: the gate's idle clock starts later (at the greeting),
            // so the close cannot come sooner than the timeout after this, however slow the loop.
            let started = ContinuousClock.now
            let client = try await fixture.connect(from: "127.0.0.3")
            try await client.waitFor("* OK")
            try await client.waitForClose(within: .seconds(5))
            #expect(ContinuousClock.now - started >= .milliseconds(400))
        }
    }

    @Test func connectionThatKeepsTalkingOutlivesTheIdleTimeout() async throws {
        try await withGate(idleTimeout: .milliseconds(400)) { fixture in
            let client = try await fixture.connect(from: "127.0.0.3")
            try await client.waitFor("* OK")
            // Three idle timeouts long, never quiet for more than half of one.
            for n in 1...6 {
                try await Task.sleep(for: .milliseconds(200))
                try await client.send("a\(n) NOOP\r\n")
                try await client.waitFor("a\(n) OK", within: .seconds(2))
            }
            try await client.waitForClose(within: .seconds(5))  // and closed once it goes quiet
        }
    }

    @Test func idleSweepChecksFourTimesPerShortestTimeout() {
        func listener(_ idle: Duration) -> ListenerConfiguration {
            ListenerConfiguration(service: "imap", listen: [], upstream: SocketEndpoint(address: .v4(0x7F00_0001), port: 1),
                                  idleTimeout: idle)
        }
        #expect(IdleSweep.interval(for: [listener(.seconds(1800)), listener(.milliseconds(400))]) == .milliseconds(100))
        #expect(IdleSweep.interval(for: [listener(.seconds(1800))]) == .seconds(1))
        #expect(IdleSweep.interval(for: [listener(.milliseconds(8))]) == .milliseconds(10))
        #expect(IdleSweep.interval(for: []) == .seconds(1))
    }

    @Test func upstreamThatStopsReadingStopsTheGateReadingFromTheClient() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // An upstream that accepts and never reads: everything the client sends piles up.
        let silent = try await ServerBootstrap(group: group)
            .childChannelOption(.autoRead, value: false)
            .childChannelOption(.socketOption(.so_rcvbuf), value: 64 * 1024)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        try await withGate(upstreamPort: silent.localAddress!.port!) { fixture in
            let client = try await fixture.connect(from: "127.0.0.3")
            let chunk = [UInt8](repeating: 0x61, count: 256 * 1024)
            let writer = Task {
                for _ in 0..<256 { try await client.send(chunk) }  // 64 MiB, far beyond any buffer
            }
            // Wait until the gate has stopped taking bytes: two readings a while apart agree.
            var previous: UInt64 = 0
            var stalled = false
            for _ in 0..<100 where !stalled {
                try await Task.sleep(for: .milliseconds(100))
                let now = fixture.gate.state.registry.snapshot().first?.bytesFromClient ?? 0
                stalled = now > 0 && now == previous
                previous = now
            }
            #expect(stalled, "the gate kept reading from the client")
            #expect(previous < 16 * 1024 * 1024, "the gate took \(previous) bytes it could not pass on")
            writer.cancel()
            await client.close()
        }
        try await group.shutdownGracefully()
    }
}
