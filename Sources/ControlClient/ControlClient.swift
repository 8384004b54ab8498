import Foundation
import MailgateAPI
import MailgateAPI
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix

/// A client of the control API over its Unix socket, for the CLI and the console: HTTP/1.1
/// on SwiftNIO's own codec, one connection per request (the socket is local; a general
/// HTTP client would bring a TLS library into every build for nothing).
public struct ControlClient: Sendable {
    public let socketPath: String
    let group: any EventLoopGroup

    /// What can go wrong, each with the words a user needs.
    public enum Failure: Error, CustomStringConvertible {
        /// Nobody answers on the socket (exit 3); `errno` says why when the system did.
        case unreachable(socket: String, reason: String, errno: Int32? = nil)
        /// The API refused the request; `error` is its JSON error body.
        case refused(status: Int, error: APIErrorBody)
        /// An answer that is not the API's JSON.
        case unexpected(status: Int, text: String)

        public var description: String {
            switch self {
            case .unreachable(let socket, let reason, _):
                "cannot reach the mailgate daemon on \(socket) (\(reason)). Check that `mailgate serve` is running, that this is its [control] socket (--socket PATH), and that you may use it (owner or [control] group); or edit the files directly with --config FILE"
            case .refused(_, let error):
                "\(error.error.message) [\(error.error.code)]"
            case .unexpected(let status, let text):
                "unexpected answer from the daemon (HTTP \(status)): \(text.prefix(200))"
            }
        }
    }

    /// The methods the API uses.
    public typealias Method = APIMethod

    public struct Reply: Sendable {
        public var status: Int
        public var body: Data
        public var revision: String?
    }

    /// Runs `body` with a client of the daemon on `socketPath` (kept for the callers' shape:
    /// there is nothing to shut down, each request closes its own connection).
    public static func with<T: Sendable>(socketPath: String, _ body: (ControlClient) async throws -> T) async throws -> T {
        try await body(ControlClient(socketPath: socketPath, group: MultiThreadedEventLoopGroup.singleton))
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

    typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    /// A new connection to the socket with the HTTP/1.1 codec; an unreachable daemon is `.unreachable`.
    func connect() async throws -> Connection {
        do {
            return try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(3))
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw Failure.unreachable(socket: socketPath, reason: Self.reason(error), errno: Self.errno(error))
        }
    }

    static func head(_ method: Method, _ path: String, body: Data?, ifMatch: String?) -> HTTPRequestHead {
        // Always a Content-Length (0 without a body): never chunked, so the request is whole
        // once its bytes are out.
        var headers = HTTPHeaders([("Host", "localhost"), ("Connection", "close"), ("Content-Length", "\(body?.count ?? 0)")])
        if body != nil { headers.add(name: "Content-Type", value: "application/json") }
        if let ifMatch { headers.add(name: "If-Match", value: "\"\(ifMatch)\"") }
        return HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method.rawValue), uri: path, headers: headers)
    }

    /// Writes the whole request in one flush. A daemon may answer (a refusal) and close
    /// before the last bytes are written: that write error is kept, not thrown, so that the
    /// answer is still read; it is thrown only if no answer comes.
    static func write(_ head: HTTPRequestHead, body: Data?, to outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>) async -> (any Error)? {
        var parts: [HTTPClientRequestPart] = [.head(head)]
        if let body { parts.append(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        parts.append(.end(nil))
        do {
            try await outbound.write(contentsOf: parts)
            return nil
        } catch {
            return error
        }
    }

    /// Sends a request and returns the whole answer, whatever its status.
    public func send(_ method: Method, _ path: String, body: Data? = nil, ifMatch: String? = nil,
                     timeout: TimeAmount = .seconds(10)) async throws -> Reply {
        let connection = try await connect()
        let deadline = connection.channel.eventLoop.scheduleTask(in: timeout) { connection.channel.close(promise: nil) }
        defer { deadline.cancel() }
        let socketPath = socketPath
        do {
            return try await connection.executeThenClose { inbound, outbound in
                let writeError = await Self.write(Self.head(method, path, body: body, ifMatch: ifMatch), body: body, to: outbound)
                var status = 0
                var etag: String?
                var bytes = ByteBuffer()
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        status = Int(head.status.code)
                        etag = head.headers.first(name: "ETag").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                    case .body(var chunk):
                        guard bytes.readableBytes + chunk.readableBytes <= 64 * 1024 * 1024 else {
                            throw Failure.unexpected(status: status, text: "an answer over 64 MiB")
                        }
                        bytes.writeBuffer(&chunk)
                    case .end:
                        return Reply(status: status, body: Data(buffer: bytes), revision: etag)
                    }
                }
                if let writeError { throw writeError }
                throw Failure.unreachable(socket: socketPath, reason: "the daemon closed the connection without an answer (or gave none within \(timeout.nanoseconds / 1_000_000_000) s)")
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.unreachable(socket: socketPath, reason: Self.reason(error), errno: Self.errno(error))
        }
    }

    /// Sends a request to `endpoint` (its `{id}` filled in) and returns the whole answer, whatever its status.
    public func send<Body: Encodable, Answer>(_ endpoint: Endpoint<Body, Answer>, id: String? = nil, query: [URLQueryItem] = [],
                                              body: Body?, ifMatch: String? = nil) async throws -> Reply {
        let data = try body.map { try Self.encoder.encode($0) }
        return try await send(endpoint.method, endpoint.path(id: id, query: query), body: data, ifMatch: ifMatch)
    }

    /// The same for an endpoint that takes no body.
    public func send<Answer>(_ endpoint: Endpoint<NoBody, Answer>, id: String? = nil, query: [URLQueryItem] = [],
                             ifMatch: String? = nil) async throws -> Reply {
        try await send(endpoint.method, endpoint.path(id: id, query: query), body: nil, ifMatch: ifMatch)
    }

    /// Sends a request to `endpoint` and decodes a 2xx answer; any other status throws `.refused`.
    public func call<Body: Encodable, Answer: Decodable>(_ endpoint: Endpoint<Body, Answer>, id: String? = nil,
                                                         query: [URLQueryItem] = [], body: Body,
                                                         ifMatch: String? = nil) async throws -> Answer {
        try Self.decode(Answer.self, try await send(endpoint, id: id, query: query, body: body, ifMatch: ifMatch))
    }

    /// The same for an endpoint that takes no body.
    public func call<Answer: Decodable>(_ endpoint: Endpoint<NoBody, Answer>, id: String? = nil, query: [URLQueryItem] = [],
                                        ifMatch: String? = nil) async throws -> Answer {
        try Self.decode(Answer.self, try await send(endpoint, id: id, query: query, ifMatch: ifMatch))
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
    /// Returns once the daemon has answered (so no event after this call is missed); a
    /// refusal (a bad query) is thrown.
    public func events(query: [URLQueryItem] = []) async throws -> AsyncThrowingStream<Event, any Error> {
        let connection = try await connect()
        let head = Self.head(Endpoints.eventStream.method, Endpoints.eventStream.path(query: query), body: nil, ifMatch: nil)
        let answered = connection.channel.eventLoop.makePromise(of: Int.self)
        let stream = AsyncThrowingStream<Event, any Error> { continuation in
            let reader = Task {
                var told = false  // the promise is completed once
                do {
                    try await connection.executeThenClose { inbound, outbound in
                        if let error = await Self.write(head, body: nil, to: outbound) { throw error }
                        var status = 0
                        var refusal = ByteBuffer()
                        var pending = ""
                        for try await part in inbound {
                            switch part {
                            case .head(let head):
                                status = Int(head.status.code)
                                told = true
                                answered.succeed(status)
                            case .body(var chunk) where status != 200:
                                refusal.writeBuffer(&chunk)
                            case .body(let chunk):
                                pending += String(buffer: chunk)
                                for event in Self.events(in: &pending) { continuation.yield(event) }
                            case .end where status != 200:
                                _ = try Self.decode(EventsResponse.self, Reply(status: status, body: Data(buffer: refusal)))
                            case .end:
                                return
                            }
                        }
                    }
                    if !told { answered.fail(Failure.unreachable(socket: socketPath, reason: "the daemon closed the event stream without an answer")) }
                    continuation.finish()
                } catch {
                    if !told { answered.fail(error) }
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in reader.cancel() }
        }
        let status: Int
        do {
            status = try await answered.futureResult.get()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.unreachable(socket: socketPath, reason: Self.reason(error), errno: Self.errno(error))
        }
        if status != 200 {
            for try await _ in stream {}  // throws the daemon's refusal
            throw Failure.unexpected(status: status, text: "")
        }
        return stream
    }

    /// Takes the complete Server-Sent Events messages off the front of `pending` and decodes
    /// their `data:` lines.
    static func events(in pending: inout String) -> [Event] {
        var events: [Event] = []
        while let end = pending.range(of: "\n\n") {
            let message = pending[..<end.lowerBound]
            pending = String(pending[end.upperBound...])
            for line in message.split(separator: "\n") where line.hasPrefix("data: ") {
                if let event = try? decoder.decode(Event.self, from: Data(line.dropFirst(6).utf8)) { events.append(event) }
            }
        }
        return events
    }

    /// The errno behind a failed connect, when the system gave one.
    static func errno(_ error: any Error) -> Int32? {
        (error as? IOError)?.errnoCode
    }

    /// Why the socket could not be reached, in a user's words: from the errno when there is one.
    static func reason(_ error: any Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ENOENT: return "no such socket"
            case ECONNREFUSED: return "connection refused"
            case EACCES, EPERM: return "permission denied"
            case ENOTSOCK: return "not a socket"
            default: return String(cString: strerror(io.errnoCode))
            }
        }
        if case .connectTimeout? = error as? ChannelError { return "connect timed out" }
        if error is ChannelError { return "connect timed out or the connection was lost (\(error))" }
        return "\(error)"
    }
}
