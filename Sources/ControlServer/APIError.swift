import Foundation
import MailgateAPI

/// A refusal the API answers with `{"error": {"code", "message", …}}`. Codes are stable.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var code: APIErrorCode
    public var message: String
    /// On a revision mismatch: the revision writes must name now.
    public var revision: String?
    /// On an unacknowledged `tcp_proxy` change: what it would do.
    public var impact: ImpactReport?

    public init(status: Int, code: APIErrorCode, message: String, revision: String? = nil, impact: ImpactReport? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.revision = revision
        self.impact = impact
    }

    public var description: String { message }

    public var body: APIErrorBody {
        var body = APIErrorBody(code: code, message: message)
        body.error.revision = revision
        body.error.impact = impact
        return body
    }

    static func badRequest(_ code: APIErrorCode, _ message: String) -> APIError { APIError(status: 400, code: code, message: message) }
    static func notFound(_ message: String) -> APIError { APIError(status: 404, code: "not-found", message: message) }
}
