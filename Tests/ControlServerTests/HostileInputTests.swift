import ControlServer
import Foundation
import StrictJSON
import Testing
@testable import ControlServer

/// The control socket against what attackers and broken clients send: every answer is the
/// API's JSON error, every such connection ends, and none is held open for long.
@Suite struct HostileInputTests {
    /// HTTP-level errors: each gets a 4xx with `{"error": {"code", "message"}}`, then the connection closes.
    static let malformedRequests: [(String, [UInt8])] = [
        ("1 MB header", Array("GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 1 << 20))\r\n\r\n".utf8)),
        ("1 MB URL", Array("GET /v1/\(String(repeating: "a", count: 1 << 20)) HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
        ("unknown method", Array("FROB /v1/status HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
        ("negative Content-Length", Array("POST /v1/whitelist HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n".utf8)),
        ("duplicate Content-Length", Array("POST /v1/whitelist HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}".utf8)),
        ("HTTP/9.9", Array("GET /v1/status HTTP/9.9\r\nHost: x\r\n\r\n".utf8)),
        ("NUL in the path", Array("GET /v1/sta\0tus HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
        ("HTTP/2 preface", Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)),
        ("bare LF garbage", Array("\n\n\u{1}\u{2}garbage\r\n\r\n".utf8)),
        ("space in the header name", Array("GET /v1/status HTTP/1.1\r\nHo st: x\r\n\r\n".utf8)),
        ("chunked with a bad chunk size", Array(
            "POST /v1/whitelist HTTP/1.1\r\nHost: x\r\nIf-Match: \"r\"\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n".utf8)),
    ]

    @Test func everyHTTPLevelErrorIsAnsweredWithTheAPIsJSONErrorAndTheConnectionCloses() async throws {
        try await withControl { f in
            for (name, request) in Self.malformedRequests {
                let client = try RawSocketClient(path: f.socket)
                client.send(request)
                let closed = await client.readUntilClosed(timeout: .seconds(5))
                #expect(closed, "\(name): the connection stayed open; got \(client.text.prefix(200))")
                let status = try #require(client.status, "\(name): no HTTP answer: \(client.text.prefix(200).debugDescription)")
                #expect((400..<500).contains(status), "\(name): status \(status)")
                #expect(client.errorBody != nil, "\(name): not a JSON error body: \(client.text.prefix(300).debugDescription)")
                #expect(client.headers.lowercased().contains("content-type: application/json"), "\(name): \(client.headers)")
            }
            // The server is still fine.
            let reply = try await f.send(.GET, "/v1/status")
            #expect(reply.status == 200)
        }
    }

    @Test func aBadChunkSizeIsABadRequestNotAnInternalError() async throws {
        try await withControl { f in
            let client = try RawSocketClient(path: f.socket)
            client.send("POST /v1/whitelist HTTP/1.1\r\nHost: x\r\nIf-Match: \"\(f.revision)\"\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
            await client.readUntilClosed(timeout: .seconds(5))
            #expect(client.status == 400, "\(client.text)")
            #expect(client.errorBody?.code == "malformed-request", "\(client.text)")
        }
    }

    @Test func connectIsAnsweredAndTheConnectionClosed() async throws {
        try await withControl { f in
            let client = try RawSocketClient(path: f.socket)
            client.send("CONNECT localhost:80 HTTP/1.1\r\nHost: localhost:80\r\n\r\n")
            let closed = await client.readUntilClosed(timeout: .seconds(3))
            #expect(closed, "still open; got \(client.text)")
            #expect(client.status == 405, "\(client.text)")
            #expect(client.errorBody?.code == "method-not-allowed", "\(client.text)")
        }
    }

    @Test func aTrailingCommaIsRefusedAndNothingIsWritten() async throws {
        try await withControl { f in
            let before = f.accessBytes
            let reply = try await f.send(.POST, "/v1/whitelist", json: #"{"source": "10.1.1.1",}"#, ifMatch: f.revision)
            #expect(reply.status == 400)
            #expect(errorCode(reply) == "malformed-json")
            #expect(f.accessBytes == before)
        }
    }

    @Test func allWithOtherServicesIsRefusedAndNothingIsWritten() async throws {
        try await withControl { f in
            let before = f.accessBytes
            let reply = try await f.send(.POST, "/v1/whitelist", json: #"{"source": "10.1.1.1", "services": ["all", "imap"]}"#,
                                         ifMatch: f.revision)
            #expect(reply.status == 400, "\(String(decoding: reply.body, as: UTF8.self))")
            #expect(String(decoding: reply.body, as: UTF8.self).contains("\\\"all\\\" stands alone"))
            #expect(f.accessBytes == before)
        }
    }

    @Test func aClientSendingOneHeaderByteAtATimeIsCutOffAtTheHeaderTimeout() async throws {
        let limits = ControlConnectionLimits(headerTimeout: .seconds(1), bodyTimeout: .seconds(1), idleTimeout: .seconds(30))
        try await withControl(controlLimits: limits) { f in
            let client = try RawSocketClient(path: f.socket)
            let started = ContinuousClock.now
            var sentAll = true
            for byte in "GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Slow: abcdefghijklmnopqrstuvwxyz\r\n".utf8 {
                guard client.send([byte]) else { sentAll = false; break }
                if await client.readUntilClosed(timeout: .milliseconds(100)) { sentAll = false; break }
            }
            #expect(!sentAll, "the server never cut the slow client off")
            await client.readUntilClosed(timeout: .seconds(3))
            #expect(client.closedByServer)
            #expect(ContinuousClock.now - started < .seconds(4))
            #expect(client.status == 408, "\(client.text)")
            #expect(client.errorBody?.code == "request-timeout")
        }
    }

    @Test func aStalledBodyIsCutOffAtTheBodyTimeout() async throws {
        let limits = ControlConnectionLimits(headerTimeout: .seconds(1), bodyTimeout: .seconds(1), idleTimeout: .seconds(30))
        try await withControl(controlLimits: limits) { f in
            let client = try RawSocketClient(path: f.socket)
            client.send("POST /v1/whitelist HTTP/1.1\r\nHost: x\r\nIf-Match: \"\(f.revision)\"\r\nContent-Length: 64\r\n\r\n{")
            #expect(await client.readUntilClosed(timeout: .seconds(4)), "still open: \(client.text)")
            #expect(client.status == 408, "\(client.text)")
        }
    }

    @Test func anIdleConnectionIsClosedAtTheIdleTimeout() async throws {
        let limits = ControlConnectionLimits(idleTimeout: .seconds(1))
        try await withControl(controlLimits: limits) { f in
            let client = try RawSocketClient(path: f.socket)
            #expect(await client.readUntilClosed(timeout: .seconds(4)))
            #expect(client.received.isEmpty)
            // A request, then silence: closed again after the idle timeout.
            let second = try RawSocketClient(path: f.socket)
            second.send("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await second.readUntilClosed(timeout: .seconds(4)))
            #expect(second.status == 200)
        }
    }

    /// Answered before its body arrived (no such endpoint), then the body comes: the connection
    /// is idle from then on, and the idle timeout still applies.
    @Test func aRequestAnsweredBeforeItsBodyStillLeavesTheConnectionToTheIdleTimeout() async throws {
        let limits = ControlConnectionLimits(headerTimeout: .seconds(5), bodyTimeout: .seconds(5), idleTimeout: .seconds(1))
        try await withControl(controlLimits: limits) { f in
            let client = try RawSocketClient(path: f.socket)
            client.send("POST /v1/nothing HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n")
            #expect(await client.readUntil("\n}", timeout: .seconds(3)) || client.text.contains("not-found"))
            client.send("hello")
            #expect(await client.readUntilClosed(timeout: .seconds(4)), "still open: \(client.text)")
            #expect(client.status == 404)
        }
    }

    @Test func connectionsOverTheCapAreAnswered503AndClosed() async throws {
        let limits = ControlConnectionLimits(maxConnections: 3)
        try await withControl(controlLimits: limits) { f in
            let held = try (0..<3).map { _ in try RawSocketClient(path: f.socket) }
            try await f.eventually("three connections registered") { f.server.openConnections == 3 }
            let extra = try RawSocketClient(path: f.socket)
            #expect(await extra.readUntilClosed(timeout: .seconds(3)))
            #expect(extra.status == 503, "\(extra.text)")
            #expect(extra.errorBody?.code == "too-many-connections")
            _ = held.count
            // One leaves: there is room again.
            let freed = held[0]
            shutdown(freed.fd, Int32(SHUT_RDWR))
            try await f.eventually("a slot freed") { f.server.openConnections < 3 }
            let next = try RawSocketClient(path: f.socket)
            next.send("GET /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            await next.readUntilClosed(timeout: .seconds(3))
            #expect(next.status == 200, "\(next.text.prefix(200))")
        }
    }

    /// A request header and one byte of a 64-byte body must not hold the server's stop.
    @Test func stopEndsByItsDeadlineWhateverAClientHasStalled() async throws {
        let limits = ControlConnectionLimits(headerTimeout: .seconds(60), bodyTimeout: .seconds(60), idleTimeout: .seconds(60))
        try await withControl(controlLimits: limits) { f in
            let client = try RawSocketClient(path: f.socket)
            client.send("POST /v1/whitelist HTTP/1.1\r\nHost: x\r\nIf-Match: \"\(f.revision)\"\r\nContent-Length: 64\r\n\r\n{")
            try await f.eventually("the request registered") { f.server.openConnections == 1 }
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            await f.server.stop(deadline: .now + .seconds(1))
            let took = ContinuousClock.now - started
            #expect(took < .seconds(3), "stop took \(took)")
            #expect(await client.readUntilClosed(timeout: .seconds(2)))
        }
    }
}

@Suite struct StrictJSONTests {
    static let valid = [
        #"{}"#, #"[]"#, #" {"a": 1} "#, #"{"a": [1, -2.5e10, 0, 0.1, 1E+2, true, false, null, "x"]}"#,
        #""\u00e9\ud83d\ude00\n\"\\\/""#, "\"é😀\"", #"{"a": {"b": {"c": []}}}"#, "\t\r\n[1]\n",
    ]
    static let invalid = [
        #"{"source": "10.1.1.1",}"#, #"[1,]"#, #"{"a" 1}"#, #"{a: 1}"#, #"{'a': 1}"#, #"[01]"#, #"[+1]"#, #"[1.]"#,
        #"[.5]"#, #"[1e]"#, #"[NaN]"#, #"[Infinity]"#, #"{"a": 1} // comment"#, #"/* c */ {}"#, #"{"a": 1}{"#,
        #"["\x"]"#, #"["\u12"]"#, "[\"a\u{1}\"]", #"["\ud800"]"#, #"["\udc00"]"#, #"["\ud800\u0041"]"#,
        #"{"a": 1, "a": 2}"#, #"[1e400]"#, #"[-1e+3080]"#, #"[tru]"#, #"[nul]"#, "", " ", #"""#, "[", "{", #"{"a":}"#, #"[,1]"#,
        String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
    ]

    @Test(arguments: valid) func acceptsValidJSON(_ text: String) throws {
        try StrictJSON.validate(Array(text.utf8))
    }

    @Test(arguments: invalid) func refusesWhatRFC8259Refuses(_ text: String) {
        #expect(throws: StrictJSON.Problem.self, "\(text)") { try StrictJSON.validate(Array(text.utf8)) }
    }

    @Test func refusesInvalidUTF8() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82]] {
            #expect(throws: StrictJSON.Problem.self, "\(bytes)") { try StrictJSON.validate(bytes) }
        }
    }

    @Test func saysWhereTheProblemIs() {
        #expect(throws: StrictJSON.Problem(offset: 22, message: "trailing comma in an object")) {
            try StrictJSON.validate(Array(#"{"source": "10.1.1.1",}"#.utf8))
        }
    }
}
