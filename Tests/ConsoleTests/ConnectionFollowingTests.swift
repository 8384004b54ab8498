import AccessPolicy
import Foundation
import MailgateAPI
import NetAddress
import Testing
@testable import Console
@testable import ConsoleFixture

@Suite("Open connections follow the event stream between full lists, and every count says what it covers")
struct ConnectionFollowingTests {
    static func event(_ sequence: UInt64, _ kind: GateEvent.Kind, _ id: UInt64, peer: String = "192.0.2.77",
                      real: String? = nil, detail: String? = nil, reason: RejectReason? = nil) -> Event {
        let event = GateEvent(time: ConsoleFixture.goldenNow, kind: kind, connection: ConnectionID(id), service: "imap",
                              peer: IPAddress(peer), realClient: real.flatMap(IPAddress.init), entryID: kind == .accepted ? "w1f00d001" : nil,
                              reason: reason, detail: detail)
        return Event(sequence: sequence, event)
    }

    @Test func acceptedProxiedAndClosedEventsChangeOneRowEach() {
        var s = Scenario()
        #expect(s.model.connections.count == 7)
        s.model.apply(event: Self.event(2000, .accepted, 2001, peer: "203.0.113.7", detail: ConnectionState.awaitingHeader.rawValue))
        #expect(s.model.connections.count == 8)
        #expect(s.model.connections.awaiting.last?.id == ConnectionID(2001))
        #expect(s.model.connections.awaiting.last?.entrySource == "203.0.113.7")  // from the whitelist as loaded
        s.model.apply(event: Self.event(2001, .proxied, 2001, peer: "203.0.113.7", real: "100.64.1.1"))
        #expect(s.model.connections.awaiting.count == 1)
        #expect(s.model.connections.proxied.last?.realClient == "100.64.1.1")
        s.model.apply(event: Self.event(2002, .closed, 2001))
        #expect(s.model.connections.count == 7)
        #expect(s.model.connections.proxied.count == 3)
    }

    @Test func aRejectedConnectionLeavesTheTable() {
        var s = Scenario()
        s.model.apply(event: Self.event(2000, .accepted, 2001, detail: ConnectionState.relayingDirect.rawValue))
        s.model.apply(event: Self.event(2001, .rejected, 2001, reason: .proxyHeaderFromUntrustedSource))
        #expect(s.model.connections.count == 7)
        #expect(s.model.rejects.contains { $0.source == "192.0.2.77" && $0.count == 1 })
    }

    @Test func eventsThatCameWhileTheFullListLoadedAreNotLost() {
        var s = Scenario()
        let list = ConsoleFixture.connections(now: s.model.now)  // still has 1057
        s.model.connectionsRequested()
        s.model.apply(event: Self.event(2000, .closed, 1057))
        s.model.apply(event: Self.event(2001, .accepted, 2001, detail: ConnectionState.relayingDirect.rawValue))
        s.model.apply(connections: list)
        #expect(s.model.connections.byID[ConnectionID(1057)] == nil)
        #expect(s.model.connections.byID[ConnectionID(2001)] != nil)
        #expect(s.model.connections.count == 7)
    }

    @Test func aConnectionOpenedSinceTheFullListShowsNoBytesRatherThanZero() {
        var s = Scenario()
        s.model.apply(event: Self.event(2000, .accepted, 2001, detail: ConnectionState.relayingDirect.rawValue))
        let screen = s.screen(120, 40).textLines.joined(separator: "\n")
        let line = screen.split(separator: "\n").first { $0.contains("192.0.2.77") }
        #expect(line?.hasSuffix("—") == true || line?.trimmingCharacters(in: .whitespaces).hasSuffix("—") == true)
        #expect(screen.contains("Connections — 8 open · in/out as of 05:00:00Z"))
    }

    @Test func theTopBarAndTheViewCountTheSameConnections() {
        var s = Scenario()
        s.model.apply(event: Self.event(2000, .accepted, 2001, detail: ConnectionState.relayingDirect.rawValue))
        let lines = s.screen(120, 40).textLines
        #expect(lines[0].contains("open 8"))
        #expect(lines[3].contains("Connections — 8 open"))
    }

    @Test func aFilterMatchingNothingSaysOfHowMany() {
        var s = Scenario()
        s.press(.character("/"))
        s.type("nothing-like-this")
        s.press(.enter)
        let lines = s.screen(120, 40).textLines
        #expect(lines[3].contains("Connections — 0 of 7 match the filter"))
        #expect(lines[0].contains("open 7"))
    }

    @Test func underAFilterNewConnectionsJoinOnlyIfTheyMatchAndTheTotalStillCountsThem() {
        var s = Scenario()
        s.press(.character("/"))
        s.type("smtp")
        s.press(.enter)
        #expect(s.model.connections.visibleCount == 1)
        s.model.apply(event: Self.event(2000, .accepted, 2001, detail: ConnectionState.relayingDirect.rawValue))  // imap
        var smtp = Self.event(2001, .accepted, 2002, detail: ConnectionState.relayingDirect.rawValue).gate!
        smtp.service = "smtp"
        s.model.apply(event: Event(sequence: 2001, smtp))
        #expect(s.model.connections.visibleCount == 2)
        #expect(s.model.connections.count == 9)
        #expect(s.model.connections.direct.map(\.id) == [ConnectionID(1060), ConnectionID(2002)])
        s.press(.escape)
        #expect(s.model.connections.visibleCount == 9)
        #expect(s.screen(120, 40).textLines[3].contains("Connections — 9 open"))
    }

    @Test func pausedCountsTheHeldRejectsNotEveryEvent() {
        var s = Scenario()
        s.press(.character("2"), .character(" "))
        s.model.apply(event: Self.event(2000, .accepted, 2001, detail: ConnectionState.relayingDirect.rawValue))
        s.model.apply(event: Self.event(2001, .rejected, 2001, reason: .proxyHeaderFromUntrustedSource))
        s.model.apply(event: Self.event(2002, .closed, 2001))
        #expect(s.model.heldEvents.count == 3)
        #expect(s.screen(120, 40).textLines[3].contains("(paused: 1 new held)"))
        s.press(.character(" "))
        #expect(s.model.heldRejects == 0)
        #expect(s.model.rejects.first?.source == "192.0.2.77")
    }

    @Test func theRejectsViewSaysWhatItCovers() {
        var s = Scenario()
        s.press(.character("2"))
        let oldest = ConsoleFixture.events(now: ConsoleFixture.goldenNow).map(\.time).min()!
        #expect(s.screen(120, 40).textLines[3].hasPrefix("Rejects since \(Formatting.clock(oldest)) — "))
    }

    @Test func theRateCountsTheLastMinuteWhateverTheVolume() {
        var counter = MinuteCounter()
        let now = ConsoleFixture.goldenNow
        for n in 0..<5_000 { counter.record(now.addingTimeInterval(-Double(n % 120))) }
        // 120 distinct seconds, 5,000 events: the 60 newest seconds hold about half.
        let expected = (0..<5_000).filter { $0 % 120 < 60 }.count
        #expect(counter.perMinute(now: now) == expected)
        #expect(counter.perMinute(now: now.addingTimeInterval(3_600)) == 0)
    }
}
