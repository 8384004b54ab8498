import AccessPolicy
import Foundation
import MailgateAPI
import NetAddress
import Testing
@testable import ControlClient

@Suite("Events and error bodies on the wire, as the client reads them")
struct EventWireTests {
    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    func json(_ event: Event) throws -> [String: Any] {
        let data = try ControlClient.encoder.encode(event)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func aControlPlaneEventKeepsTheFlatShapeOfTheStream() throws {
        let event = Event(sequence: 7, ControlEvent(time: Self.time, kind: .changeReverted, entryID: "w1", detail: "change chg-1 reverted"))
        let object = try json(event)
        #expect(Set(object.keys) == ["sequence", "time", "kind", "entry_id", "detail"])
        #expect(object["kind"] as? String == "change-reverted")
        let decoded = try ControlClient.decoder.decode(Event.self, from: try ControlClient.encoder.encode(event))
        #expect(decoded == event)
        #expect(decoded.control?.kind == .changeReverted && decoded.gate == nil)
    }

    @Test func anUnknownKindIsRefusedNamingTheKnownOnes() throws {
        let text = #"{"sequence": 1, "time": "2027-01-15T08:00:00Z", "kind": "exploded"}"#
        let error = try #require(throws: DecodingError.self) { try ControlClient.decoder.decode(Event.self, from: Data(text.utf8)) }
        #expect("\(error)".contains("accepted, proxied, rejected, closed, config-changed, change-reverted"))
    }

    @Test func theStreamSplitsMessagesAndKeepsAnUnfinishedOne() throws {
        let rejected = Event(sequence: 1, GateEvent(time: Self.time, kind: .rejected, service: "imap", peer: IPAddress("127.0.0.66"),
                                                    reason: .blacklisted))
        let changed = Event(sequence: 2, ControlEvent(time: Self.time, kind: .configChanged, detail: "by alice: added 192.0.2.1"))
        func message(_ event: Event) throws -> String {
            "id: \(event.sequence)\ndata: \(String(decoding: try ControlClient.encoder.encode(event), as: UTF8.self))\n\n"
        }
        var pending = ": mailgate event stream\n\n" + (try message(rejected)) + (try message(changed)) + "id: 3\ndata: {\"seq"
        #expect(ControlClient.events(in: &pending) == [rejected, changed])
        #expect(pending == "id: 3\ndata: {\"seq")
    }

    @Test func clientsBranchOnTheErrorCodeNotItsWords() throws {
        let text = #"{"error": {"code": "revision-mismatch", "message": "someone else wrote first", "revision": "r9"}}"#
        let body = try ControlClient.decoder.decode(APIErrorBody.self, from: Data(text.utf8))
        #expect(body.error.code == .revisionMismatch && body.error.code.isConflict)
        let newer = try ControlClient.decoder.decode(APIErrorBody.self, from: Data(#"{"error": {"code": "from-the-future", "message": "?"}}"#.utf8))
        #expect(newer.error.code.rawValue == "from-the-future" && !newer.error.code.isConflict)
    }
}
