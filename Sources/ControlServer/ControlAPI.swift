import AccessPolicy
import Foundation
import Gate
import Hummingbird
import MailgateAPI
import NIOCore
import NIOHTTP1
import Prometheus
import StrictJSON

/// The endpoints of the control API over the gate's state and the access store.
/// `routes` lists every registered method and path, in OpenAPI form, for the document check.
public final class ControlAPI: Sendable {
    public let configuration: GateConfiguration
    public let store: AccessStore
    public let gate: GateState
    public let version: String
    public let started: Date
    public let prometheus: PrometheusCollectorRegistry
    let streams = EventStreamHub()
    let heartbeat: Duration

    public init(configuration: GateConfiguration, store: AccessStore, gate: GateState, version: String,
                prometheus: PrometheusCollectorRegistry, started: Date = Date(), heartbeat: Duration = .seconds(15)) {
        self.configuration = configuration
        self.store = store
        self.gate = gate
        self.version = version
        self.prometheus = prometheus
        self.started = started
        self.heartbeat = heartbeat
    }

    public typealias Handler = @Sendable (Request, ControlContext) async throws -> Response

    /// Every registered route, in registration order.
    public static var routes: [Route] {
        let recorder = RouteRecorder()
        ControlAPI.declare(into: recorder, api: nil)
        return recorder.routes
    }

    func register(on router: Router<ControlContext>) {
        router.add(middleware: APIErrorMiddleware())
        let recorder = RouteRecorder(router: router)
        ControlAPI.declare(into: recorder, api: self)
    }

    /// The one table of routes: used both to register handlers and to list them.
    static func declare(into r: RouteRecorder, api: ControlAPI?) {
        func h(_ body: @escaping @Sendable (ControlAPI, Request, ControlContext) async throws -> Response) -> Handler? {
            guard let api else { return nil }
            return { request, context in try await body(api, request, context) }
        }
        r.on(Endpoints.status, h { try await $0.status($1, $2) })
        for kind in ListKind.allCases {
            r.on(Endpoints.list(kind), h { try $0.list(kind, $1, $2) })
            r.on(Endpoints.addEntry(kind), h { try await $0.add(kind, $1, $2) })
            r.on(Endpoints.entry(kind), h { try $0.entry(kind, $1, $2) })
            r.on(Endpoints.replaceEntry(kind), h { try await $0.update(kind, replacing: true, $1, $2) })
            r.on(Endpoints.updateEntry(kind), h { try await $0.update(kind, replacing: false, $1, $2) })
            r.on(Endpoints.removeEntry(kind), h { try await $0.remove(kind, $1, $2) })
        }
        r.on(Endpoints.entryImpact, h { try $0.impact($1, $2) })
        r.on(Endpoints.impact, h { try await $0.preview($1, $2) })
        r.on(Endpoints.connections, h { try $0.connections($1, $2) })
        r.on(Endpoints.events, h { try $0.events($1, $2) })
        r.on(Endpoints.eventStream, h { try $0.eventStream($1, $2) })
        r.on(Endpoints.changes, h { try $0.changes($1, $2) })
        r.on(Endpoints.confirmChange, h { try await $0.confirm($1, $2) })
        r.on(Endpoints.revertChange, h { try await $0.revert($1, $2) })
        r.on(Endpoints.audit, h { try $0.audit($1, $2) })
        r.on(Endpoints.metrics, h { try $0.metrics($1, $2) })
    }

    // MARK: JSON in and out

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, revision: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let revision { headers[.eTag] = "\"\(revision)\"" }
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data + Data("\n".utf8))))
    }

    /// Reads the body (at most 64 KiB) and decodes it strictly: a JSON object with only `allowed` keys.
    static func decodeBody<T: Decodable>(_ type: T.Type, from request: Request, allowed: Set<String>) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: ControlContext.maxBodySize)
        } catch is NIOTooManyBytesError {
            throw APIError(status: 413, code: "body-too-large", message: "the request body is larger than \(ControlContext.maxBodySize / 1024) KiB")
        } catch let error as HTTPParserError {
            throw APIError.malformedRequest(error)
        }
        let data = Data(buffer: buffer)
        guard !data.isEmpty else { throw APIError.badRequest("empty-body", "send a JSON object as the request body") }
        // Strict RFC 8259 first: Foundation would take a trailing comma, comments or NaN.
        do throws(StrictJSON.Problem) {
            try StrictJSON.validate(Array(buffer.readableBytesView))
        } catch {
            throw APIError.badRequest("malformed-json", "the request body is not valid JSON: \(error)")
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw APIError.badRequest("malformed-json", "the request body is not valid JSON")
        }
        guard let fields = object as? [String: Any] else {
            throw APIError.badRequest("malformed-json", "the request body must be a JSON object")
        }
        let unknown = Set(fields.keys).subtracting(allowed).sorted()
        if !unknown.isEmpty {
            throw APIError.badRequest("unknown-field", "unknown field(s) \(unknown.joined(separator: ", ")); allowed: \(allowed.sorted().joined(separator: ", "))")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.typeMismatch(expected, context) {
            throw APIError.badRequest("invalid-field", "\(Self.field(context)) must be \(Self.typeName(expected))")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw APIError.badRequest("invalid-field", "\(Self.field(context)) must be \(Self.typeName(expected)), not null")
        } catch {
            throw APIError.badRequest("invalid-field", "the request body does not fit: \(error)")
        }
    }

    private static func field(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "true or false"
        case is String.Type: "a string"
        case is [String].Type, is [Any].Type: "a list of strings"
        default: "\(type)"
        }
    }
}

/// Registers handlers on a router, or only records the table (for `ControlAPI.routes`).
final class RouteRecorder: @unchecked Sendable {  // used on one thread while routes are declared
    private(set) var routes: [Route] = []
    private let router: Router<ControlContext>?

    init(router: Router<ControlContext>? = nil) {
        self.router = router
    }

    func on<Body, Answer>(_ endpoint: Endpoint<Body, Answer>, _ handler: ControlAPI.Handler?) {
        routes.append(endpoint.route)
        guard let router, let handler else { return }
        let method = HTTPRequest.Method(rawValue: endpoint.method.rawValue)!
        // OpenAPI `{id}` is Hummingbird's `:id`.
        let hummingbirdPath = endpoint.template.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        router.on(RouterPath(stringLiteral: hummingbirdPath), method: method) { request, context in
            try await handler(request, context)
        }
    }
}

/// Turns every error into the API's JSON error body, so clients never see an HTML or empty error.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = ControlContext

    func handle(_ request: Request, context: ControlContext, next: (Request, ControlContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return ControlAPI.json(error.body, status: .init(code: error.status))
        } catch let error as HTTPParserError {
            // A body that breaks HTTP framing (a bad chunk size): the client's fault, not ours.
            let apiError = APIError.malformedRequest(error)
            return ControlAPI.json(apiError.body, status: .init(code: apiError.status))
        } catch let error as HTTPResponseError {
            let status = error.status
            let code = APIErrorCode(rawValue: status.code == 404 ? "not-found" : status.code == 405 ? "method-not-allowed" : status.code == 413 ? "body-too-large" : "http-\(status.code)")
            let message = status.code == 404 ? "no such endpoint: \(request.method.rawValue) \(request.uri.path) (see openapi.yaml)" : status.reasonPhrase
            return ControlAPI.json(APIErrorBody(code: code, message: message), status: status)
        } catch {
            context.logger.error("control API: \(request.method.rawValue) \(request.uri.path) failed: \(error)")
            return ControlAPI.json(APIErrorBody(code: "internal", message: "internal error: \(error)"), status: .internalServerError)
        }
    }
}
