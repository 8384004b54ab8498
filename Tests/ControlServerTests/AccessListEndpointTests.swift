import AccessPolicy
import Foundation
import MailgateAPI
import Testing
@testable import ControlServer

/// `/v1/whitelist` and `/v1/blacklist`: revisions, If-Match, CRUD, refusals that write nothing.
@Suite struct AccessListEndpointTests {
    @Test func anEntryIsAddedReadChangedReplacedAndRemoved() async throws {
        try await withControl { f in
            let list = try await f.get(AccessListResponse.self, "/v1/blacklist")
            #expect(list.entries.map(\.id) == ["bbad"])
            #expect(list.revision == f.revision)

            let added = try await f.send(.POST, "/v1/blacklist", json: #"{"source": "198.51.100.0/24", "description": "brute force"}"#,
                                         ifMatch: list.revision)
            #expect(added.status == 201)
            let created = try decode(EntryWriteResponse.self, added)
            let id = try #require(created.entry?.id)
            #expect(created.revision == f.revision && added.revision == f.revision)
            #expect(String(decoding: f.accessBytes, as: UTF8.self).contains(#"source = "198.51.100.0/24""#))

            let read = try decode(EntryWriteResponse.self, try await f.send(.GET, "/v1/blacklist/\(id)"))
            #expect(read.entry?.description == "brute force")

            let patched = try await f.send(.PATCH, "/v1/blacklist/\(id)", json: #"{"enabled": false}"#, ifMatch: created.revision)
            let afterPatch = try decode(EntryWriteResponse.self, patched)
            #expect(afterPatch.entry?.enabled == false && afterPatch.entry?.description == "brute force")

            let put = try await f.send(.PUT, "/v1/blacklist/\(id)", json: #"{"source": "198.51.100.0/25", "services": ["imap"]}"#,
                                       ifMatch: afterPatch.revision)
            let replaced = try decode(EntryWriteResponse.self, put)
            #expect(replaced.entry?.description == "" && replaced.entry?.enabled == true)
            #expect(replaced.entry?.source.description == "198.51.100.0/25")

            let deleted = try await f.send(.DELETE, "/v1/blacklist/\(id)", ifMatch: replaced.revision)
            #expect(deleted.status == 200)
            #expect(try await f.get(AccessListResponse.self, "/v1/blacklist").entries.map(\.id) == ["bbad"])
            #expect(try await f.send(.GET, "/v1/blacklist/\(id)").status == 404)
        }
    }

    @Test func aStaleRevisionIsRefusedWith409AndTheCurrentRevision() async throws {
        try await withControl { f in
            let stale = f.revision
            let first = try await f.send(.PATCH, "/v1/whitelist/wlb", json: #"{"description": "lb one"}"#, ifMatch: stale)
            #expect(first.status == 200)
            let before = f.accessBytes
            let second = try await f.send(.PATCH, "/v1/whitelist/wlb", json: #"{"description": "lb two"}"#, ifMatch: stale)
            #expect(second.status == 409)
            let body = try decode(APIErrorBody.self, second)
            #expect(body.error.code == "revision-mismatch")
            #expect(body.error.revision == f.revision && f.revision != stale)
            #expect(f.accessBytes == before)
        }
    }

    @Test func aWriteWithoutIfMatchIs428() async throws {
        try await withControl { f in
            let before = f.accessBytes
            let reply = try await f.send(.DELETE, "/v1/whitelist/wlb")
            #expect(reply.status == 428 && errorCode(reply) == "revision-required")
            #expect(f.accessBytes == before)
        }
    }

    @Test(arguments: [
        ("{\"source\": ", 400, "malformed-json"),
        ("[1, 2]", 400, "malformed-json"),
        (#"{"source": "192.0.2.9", "colour": "red"}"#, 400, "unknown-field"),
        (#"{"source": "10.0.0.300"}"#, 400, "invalid"),
        (#"{"source": "192.0.2.9", "services": ["gopher"]}"#, 400, "invalid"),
        (#"{"source": "192.0.2.9", "tcp_proxy": "yes"}"#, 400, "invalid-field"),
        (#"{"source": "127.0.0.2"}"#, 409, "duplicate"),
        (#"{"source": "192.0.2.9", "description": "\#(String(repeating: "x", count: 70_000))"}"#, 413, "body-too-large"),
    ])
    func badInputIsRefusedAndTheFileStaysByteForByte(body: String, status: Int, code: String) async throws {
        try await withControl { f in
            let before = f.accessBytes
            let reply = try await f.send(.POST, "/v1/whitelist", json: body, ifMatch: f.revision)
            #expect(reply.status == status)
            #expect(errorCode(reply) == code)
            #expect(f.accessBytes == before)
            #expect(try await f.send(.GET, "/v1/status").status == 200)
        }
    }

    @Test func aBlacklistEntryCannotCarryTCPProxy() async throws {
        try await withControl { f in
            let before = f.accessBytes
            let reply = try await f.send(.PATCH, "/v1/blacklist/bbad", json: #"{"tcp_proxy": true}"#, ifMatch: f.revision)
            #expect(reply.status == 400 && errorCode(reply) == "invalid")
            #expect(f.accessBytes == before)
        }
    }

    @Test func aHandEditIsPickedUpWithANewRevision() async throws {
        try await withControl { f in
            let old = f.revision
            try (ControlFixture.access + "\n[[blacklist]]\nsource = \"203.0.113.99\"\n")
                .write(toFile: f.accessFile, atomically: true, encoding: .utf8)
            // A write based on the old revision notices the edit first: refused, nothing written.
            let reply = try await f.send(.PATCH, "/v1/whitelist/wlb", json: #"{"description": "x"}"#, ifMatch: old)
            #expect(reply.status == 409 && errorCode(reply) == "revision-mismatch")
            let list = try await f.get(AccessListResponse.self, "/v1/blacklist")
            #expect(list.revision != old)
            #expect(list.entries.map(\.source.description).contains("203.0.113.99"))
            #expect(f.gate.state.policy.refusal(ofRealClient: .v4(0xCB00_7163), service: "imap") != nil)
        }
    }

    @Test func anInvalidHandEditIsRefusedAndTheLastGoodListsStay() async throws {
        try await withControl { f in
            let good = f.revision
            try "[[whitelist]]\nsource = \"10.0.0.300\"\n".write(toFile: f.accessFile, atomically: true, encoding: .utf8)
            #expect(f.store.reload(trigger: "test") == false)
            #expect(f.revision == good)
            #expect(try await f.get(AccessListResponse.self, "/v1/whitelist").entries.count == 2)
            let bytes = f.accessBytes
            let reply = try await f.send(.PATCH, "/v1/whitelist/wlb", json: #"{"description": "x"}"#, ifMatch: good)
            #expect(reply.status == 409 && errorCode(reply) == "access-file-invalid")
            #expect(f.accessBytes == bytes)
        }
    }

    @Test func unknownEntriesAndEndpointsAre404WithAJSONError() async throws {
        try await withControl { f in
            #expect(errorCode(try await f.send(.GET, "/v1/whitelist/nope")) == "not-found")
            #expect(errorCode(try await f.send(.PATCH, "/v1/whitelist/nope", json: "{}", ifMatch: f.revision)) == "not-found")
            let unknown = try await f.send(.GET, "/v1/nothing-here")
            #expect(unknown.status == 404 && errorCode(unknown) == "not-found")
        }
    }
}
