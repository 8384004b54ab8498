import Foundation

/// The HTTP methods the control API uses.
public enum APIMethod: String, Sendable, Hashable, CaseIterable {
    case GET, POST, PUT, PATCH, DELETE
}

/// No request body.
public struct NoBody: Codable, Sendable, Hashable {
    public init() {}
}

/// The answer of `GET /v1/events/stream`: Server-Sent Events, each `data:` line one `Event`.
public enum EventStream {}

/// The answer of `GET /metrics`: Prometheus text.
public enum MetricsText {}

/// One endpoint of the control API: its method and path (as openapi.yaml writes it, `{id}`
/// for the path parameter), the body it takes and the answer it gives. The server registers
/// its routes from these values, the clients build their requests from them.
public struct Endpoint<Body, Response>: Sendable, Hashable {
    public let method: APIMethod
    /// e.g. `/v1/whitelist/{id}`.
    public let template: String

    public init(_ method: APIMethod, _ template: String) {
        self.method = method
        self.template = template
    }

    /// The request path: `{id}` replaced by `id` (percent-encoded, `/` too), then the query.
    public func path(id: String? = nil, query: [URLQueryItem] = []) -> String {
        var path = template
        if let id {
            let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))
            path = path.replacingOccurrences(of: "{id}", with: id.addingPercentEncoding(withAllowedCharacters: allowed) ?? id)
        }
        precondition(!path.contains("{"), "\(template) needs a path parameter")
        guard !query.isEmpty else { return path }
        let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+#/"))
        func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
        return path + "?" + query.map { "\(encoded($0.name))=\(encoded($0.value ?? ""))" }.joined(separator: "&")
    }

    /// The method and path without the types: a row of the route table.
    public var route: Route { Route(method: method, template: template) }
}

/// A method and path template, for listing and comparing routes.
public struct Route: Sendable, Hashable, CustomStringConvertible {
    public let method: APIMethod
    public let template: String
    public var description: String { "\(method.rawValue) \(template)" }
}
