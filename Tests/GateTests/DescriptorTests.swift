import AccessPolicy
import Testing
@testable import Gate

/// The gate never uses its last descriptors: max_connections is fitted to the limit, and
/// connections past the socket budget are refused, truthfully, before the process runs out.
@Suite struct DescriptorTests {
    @Test func maxConnectionsIsLoweredLoudlyToWhatTheLimitCarries() throws {
        let reserve = DescriptorPlan.reserve(listenSockets: 2, controlConnections: 64)
        #expect(reserve == 96 + 2 + 1 + 64)
        let plan = DescriptorPlan(softLimit: 20_000, hardLimit: 20_000, reserve: reserve, requestedConnections: 20_000)
        #expect(plan.socketBudget == 20_000 - reserve)
        #expect(plan.maxConnections == (20_000 - reserve) / 2)
        let message = try #require(plan.clampMessage)
        #expect(message.contains("max_connections = 20000 needs 40000 descriptors"))
        #expect(message.contains("the descriptor limit is 20000 (hard limit 20000)"))
        #expect(message.contains("using max_connections = \(plan.maxConnections)"))
    }

    @Test func aLimitThatCarriesMaxConnectionsLeavesItAlone() {
        let plan = DescriptorPlan(softLimit: 65_536, hardLimit: 65_536, reserve: 200, requestedConnections: 20_000)
        #expect(plan.maxConnections == 20_000)
        #expect(!plan.isClamped)
        #expect(plan.clampMessage == nil)
    }

    @Test func theBudgetCountsEveryClientAndLeavesRoomForItsUpstream() {
        let budget = DescriptorBudget(sockets: 4)
        #expect(budget.takeClient())   // 1, upstream would make 2
        budget.takeUpstream()          // 2
        #expect(budget.takeClient())   // 3, upstream would make 4
        #expect(!budget.takeClient())  // 4: no room for an upstream
        #expect(budget.inUse == 4)     // a refused socket is open until it closes
        #expect(budget.isUnderPressure)
        budget.release()
        budget.release()
        #expect(budget.inUse == 2)
        #expect(!budget.isUnderPressure)
    }

    @Test func pastTheSocketBudgetClientsAreToldTheServerIsAtItsLimit() async throws {
        try await withGate(replyProtocol: .smtp, descriptors: DescriptorBudget(sockets: 4)) { fixture in
            let first = try await fixture.connect(from: "127.0.0.3")
            let second = try await fixture.connect(from: "127.0.0.5")
            try await first.waitFor("* OK")
            try await second.waitFor("* OK")
            let third = try await fixture.connect(from: "127.0.0.7")
            try await third.waitFor("421 4.7.0 the server is at its connection limit, try again later")
            try await third.waitForClose()
            let rejected = fixture.gate.state.journal.recent().compactMap(\.gate).filter { $0.kind == .rejected }
            #expect(rejected.map(\.reason) == [.connectionLimit])
            #expect(rejected.first?.detail?.hasPrefix("descriptor limit reached") == true)
            for client in [first, second] { await client.close() }
            // Their sockets are given back: there is room again.
            let deadline = ContinuousClock.now + .seconds(5)
            while fixture.gate.state.descriptors.inUse > 0 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(fixture.gate.state.descriptors.inUse == 0)
            let fourth = try await fixture.connect(from: "127.0.0.9")
            try await fourth.waitFor("* OK")
            await fourth.close()
        }
    }
}
