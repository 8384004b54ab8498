import AccessPolicy
import Foundation
import MailgateAPI
import NetAddress
import Testing
@testable import Gate

@Suite struct GateJSONTests {
    private func roundTrip<T: Codable>(_ value: T) throws -> (T, String) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(value)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try decoder.decode(T.self, from: data), String(decoding: data, as: UTF8.self))
    }

    @Test func eventsKeepEveryFieldThroughJSON() throws {
        let gateEvent = GateEvent(time: Date(timeIntervalSince1970: 1_800_000_000), kind: .rejected, connection: ConnectionID(7),
                              service: "imap", listener: "127.0.0.1:143", peer: IPAddress("127.0.0.2"),
                              realClient: IPAddress("2001:db8::9"), entryID: "w1", reason: .blacklisted,
                              bytesFromClient: 10, bytesToClient: 20, duration: .milliseconds(1500), detail: "x")
        let event = Event(sequence: 42, gateEvent)
        let (decoded, json) = try roundTrip(event)
        #expect(decoded == event)
        #expect(json.contains(#""reason":"blacklisted""#))
        #expect(json.contains(#""real_client":"2001:db8::9""#))
        #expect(json.contains(#""duration_seconds":1.5"#))
    }

    @Test func connectionSnapshotsUseAddressPortText() throws {
        let snapshot = ConnectionSnapshot(id: ConnectionID(3), service: "pop3", listener: "[::]:110",
                                          peer: SocketEndpoint("[2001:db8::1]:5000")!, realClient: SocketEndpoint("192.0.2.1:40000"),
                                          entryID: nil, entrySource: nil, state: .relayingProxied,
                                          started: Date(timeIntervalSince1970: 1_800_000_000), bytesFromClient: 1, bytesToClient: 2)
        let (decoded, json) = try roundTrip(snapshot)
        #expect(decoded == snapshot)
        #expect(json.contains(#""peer":"[2001:db8::1]:5000""#))
        #expect(json.contains(#""state":"relaying-proxied""#))
    }
}
