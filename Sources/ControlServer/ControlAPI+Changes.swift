import Foundation
import Hummingbird
import MailgateAPI

/// `/v1/changes` (pending `tcp_proxy` changes: list, confirm, revert) and `/v1/audit`.
extension ControlAPI {
    func changes(_ request: Request, _ context: ControlContext) throws -> Response {
        Self.json(ChangesResponse(changes: store.changes))
    }

    func confirm(_ request: Request, _ context: ControlContext) async throws -> Response {
        let id = try Self.id(context)
        let caller = await context.caller()
        return Self.json(try store.confirm(id, by: caller))
    }

    func revert(_ request: Request, _ context: ControlContext) async throws -> Response {
        let id = try Self.id(context)
        let caller = await context.caller()
        return Self.json(try store.revert(id, by: caller))
    }

    /// The newest records (`limit`, default 100, at most 10,000), oldest first.
    func audit(_ request: Request, _ context: ControlContext) throws -> Response {
        let limit = try Self.intQuery(request, "limit") ?? 100
        return Self.json(AuditResponse(records: store.audit.recent(limit: min(max(limit, 0), 10_000))))
    }

    static func intQuery(_ request: Request, _ name: String) throws -> Int? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw APIError.badRequest("invalid-query", "\(name) must be a whole number, not \"\(text)\"")
        }
        return value
    }
}
