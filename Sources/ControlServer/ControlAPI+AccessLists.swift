import AccessPolicy
import Foundation
import Hummingbird
import MailgateAPI

/// `/v1/whitelist`, `/v1/blacklist` and their entries; `/v1/whitelist/{id}/impact` and `/v1/impact`.
extension ControlAPI {
    static let entryFields: Set<String> = ["source", "description", "services", "tcp_proxy", "enabled", "acknowledge_impact"]

    func list(_ kind: ListKind, _ request: Request, _ context: ControlContext) throws -> Response {
        let (lists, revision) = store.current
        return Self.json(AccessListResponse(list: kind, revision: revision, entries: lists[kind]), revision: revision)
    }

    func entry(_ kind: ListKind, _ request: Request, _ context: ControlContext) throws -> Response {
        let key = try Self.id(context)
        let (lists, revision) = store.current
        guard let index = lists.index(of: kind, idOrSource: key) else {
            throw APIError.notFound("no \(kind.rawValue) entry \"\(key)\" (give its id or its source)")
        }
        return Self.json(EntryWriteResponse(revision: revision, entry: lists[kind][index], pendingChange: nil), revision: revision)
    }

    func add(_ kind: ListKind, _ request: Request, _ context: ControlContext) async throws -> Response {
        let body = try await Self.decodeBody(EntryWriteRequest.self, from: request, allowed: Self.entryFields)
        let caller = await context.caller()
        let result = try store.write(.add(body.draft, acknowledgeImpact: body.acknowledgeImpact == true), to: kind,
                                     ifMatch: request.headers[.ifMatch], by: caller)
        return Self.json(result, status: .created, revision: result.revision)
    }

    /// PUT replaces every editable field (missing ones take their defaults); PATCH changes the fields given.
    func update(_ kind: ListKind, replacing: Bool, _ request: Request, _ context: ControlContext) async throws -> Response {
        let key = try Self.id(context)
        let body = try await Self.decodeBody(EntryWriteRequest.self, from: request, allowed: Self.entryFields)
        var draft = body.draft
        if replacing {
            guard draft.source != nil else { throw APIError.badRequest("invalid", "PUT replaces the whole entry: give its source (or use PATCH)") }
            draft.description = draft.description ?? ""
            draft.services = draft.services ?? ["all"]
            draft.tcpProxy = draft.tcpProxy ?? false
            draft.enabled = draft.enabled ?? true
        }
        let caller = await context.caller()
        let result = try store.write(.update(key, draft, acknowledgeImpact: body.acknowledgeImpact == true), to: kind,
                                     ifMatch: request.headers[.ifMatch], by: caller)
        return Self.json(result, revision: result.revision)
    }

    /// DELETE has no body: the acknowledgement of its impact is `?acknowledge_impact=true`.
    func remove(_ kind: ListKind, _ request: Request, _ context: ControlContext) async throws -> Response {
        let key = try Self.id(context)
        let acknowledged: Bool
        switch request.uri.queryParameters.get("acknowledge_impact") {
        case nil, "false": acknowledged = false
        case "true": acknowledged = true
        case let other?: throw APIError.badRequest("invalid-query", "acknowledge_impact must be true or false, not \"\(other)\"")
        }
        let caller = await context.caller()
        let result = try store.write(.remove(key, acknowledgeImpact: acknowledged), to: kind, ifMatch: request.headers[.ifMatch], by: caller)
        return Self.json(result, revision: result.revision)
    }

    func impact(_ request: Request, _ context: ControlContext) throws -> Response {
        Self.json(try store.impact(of: try Self.id(context)))
    }

    static let impactFields: Set<String> = ["list", "action", "entry", "source", "description", "services", "tcp_proxy", "enabled"]

    /// `POST /v1/impact`: what a proposed change would do, without writing it.
    func preview(_ request: Request, _ context: ControlContext) async throws -> Response {
        let body = try await Self.decodeBody(ImpactRequest.self, from: request, allowed: Self.impactFields)
        return Self.json(try store.preview(body, by: await context.caller()))
    }

    static func id(_ context: ControlContext) throws -> String {
        guard let raw = context.parameters.get("id") else { throw APIError.badRequest("invalid", "the path names no entry") }
        return raw.removingPercentEncoding ?? raw
    }
}

extension EntryWriteRequest {
    var draft: EntryDraft {
        EntryDraft(source: source, description: description, services: services, tcpProxy: tcpProxy, enabled: enabled)
    }
}
