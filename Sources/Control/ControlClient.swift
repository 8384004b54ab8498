import AsyncHTTPClient
import Foundation
import Gate
import NIOCore
import NIOHTTP1

/// A client of the control API over its Unix socket, for the CLI and the console.
/// Use it through `ControlClient.with(socketPath:)`, which always shuts the HTTP client down.
public struct ControlClient: Sendable {
    public let socketPath: String
    private let http: HTTPClient

    /// What can go wrong, each with the words a user needs.
    public enum Failure: Error, CustomStringConvertible {
        /// Nobody answers on the socket (exit 3).
        case unreachable(socket: String, reason: String)
        /// The API refused the request; `error` is its JSON error body.
        case refused(status: Int, error: APIErrorBody)
        /// An answer that is not the API's JSON.
        case unexpected(status: Int, text: String)

        public var description: String {
            switch self {
            case .unreachable(let socket, let reason):
                "cannot reach the mailgate daemon on \(socket) (\(reason)). Check that `mailgate serve` is running, that this is its [control] socket (--socket PATH), and that you may use it (owner or [control] group); or edit the files directly with --config FILE"
            case .refused(_, let error):
                "\(error.error.message) [\(error.error.code)]"
            case .unexpected(let status, let text):
                "unexpected answer from the daemon (HTTP \(status)): \(text.prefix(200))"
            }
        }
    }

    /// The methods the API uses.
    public enum Method: String, Sendable { case GET, POST, PUT, PATCH, DELETE }

    public struct Reply: Sendable {
        public var status: Int
        public var body: Data
        public var revision: String?
    }

    public static func with<T: Sendable>(socketPath: String, _ body: (ControlClient) async throws -> T) async throws -> T {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = ControlClient(socketPath: socketPath, http: http)
        do {
            let result = try await body(client)
            try? await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    func request(_ method: Method, _ path: String, body: Data? = nil, ifMatch: String? = nil) throws -> HTTPClientRequest {
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: path) else {
            throw Failure.unreachable(socket: socketPath, reason: "not a usable socket path")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method.rawValue)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        if let ifMatch { request.headers.add(name: "If-Match", value: "\"\(ifMatch)\"") }
        return request
    }

    /// Sends a request and returns the whole answer, whatever its status.
    public func send(_ method: Method, _ path: String, body: Data? = nil, ifMatch: String? = nil,
                     timeout: TimeAmount = .seconds(10)) async throws -> Reply {
        let request = try request(method, path, body: body, ifMatch: ifMatch)
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: timeout)
        } catch {
            throw Failure.unreachable(socket: socketPath, reason: Self.reason(error))
        }
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let etag = response.headers.first(name: "ETag").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        return Reply(status: Int(response.status.code), body: Data(buffer: bytes), revision: etag)
    }

    /// Sends a request and decodes a 2xx answer as `T`; any other status throws `.refused`.
    public func call<T: Decodable>(_ type: T.Type, _ method: Method, _ path: String, body: (some Encodable)? = String?.none,
                                   ifMatch: String? = nil) async throws -> T {
        let data = try body.map { try Self.encoder.encode($0) }
        let reply = try await send(method, path, body: data, ifMatch: ifMatch)
        return try Self.decode(type, reply)
    }

    /// The API's error body of a refusal, if the reply is one.
    public static func errorBody(_ reply: Reply) -> APIErrorBody? {
        (200..<300).contains(reply.status) ? nil : try? decoder.decode(APIErrorBody.self, from: reply.body)
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ reply: Reply) throws -> T {
        guard (200..<300).contains(reply.status) else {
            if let error = try? decoder.decode(APIErrorBody.self, from: reply.body) {
                throw Failure.refused(status: reply.status, error: error)
            }
            throw Failure.unexpected(status: reply.status, text: String(decoding: reply.body, as: UTF8.self))
        }
        do {
            return try decoder.decode(type, from: reply.body)
        } catch {
            throw Failure.unexpected(status: reply.status, text: String(decoding: reply.body, as: UTF8.self))
        }
    }

    /// The live event stream (`GET /v1/events/stream`), decoded; ends when the daemon stops.
    public func events(query: String = "") async throws -> AsyncThrowingStream<GateEvent, any Error> {
        let request = try request(.GET, "/v1/events/stream" + (query.isEmpty ? "" : "?" + query))
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, deadline: .distantFuture)
        } catch {
            throw Failure.unreachable(socket: socketPath, reason: Self.reason(error))
        }
        guard response.status == .ok else {
            let bytes = try await response.body.collect(upTo: 1024 * 1024)
            _ = try Self.decode(EventsResponse.self, Reply(status: Int(response.status.code), body: Data(buffer: bytes)))
            throw Failure.unexpected(status: Int(response.status.code), text: "")
        }
        let body = response.body
        return AsyncThrowingStream { continuation in
            let reader = Task {
                var pending = ""
                do {
                    for try await chunk in body {
                        pending += String(buffer: chunk)
                        while let end = pending.range(of: "\n\n") {
                            let message = pending[..<end.lowerBound]
                            pending = String(pending[end.upperBound...])
                            for line in message.split(separator: "\n") where line.hasPrefix("data: ") {
                                if let event = try? ControlClient.decoder.decode(GateEvent.self, from: Data(line.dropFirst(6).utf8)) {
                                    continuation.yield(event)
                                }
                            }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in reader.cancel() }
        }
    }

    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("connectTimeout") { return "connect timed out" }
        if text.contains("No such file") || text.contains("ENOENT") { return "no such socket" }
        if text.contains("Connection refused") || text.contains("ECONNREFUSED") { return "connection refused" }
        if text.contains("Permission denied") || text.contains("EACCES") { return "permission denied" }
        return text
    }
}
