import AccessPolicy
import Foundation

/// Every endpoint of the control API, declared once (openapi.yaml documents the same set).
public enum Endpoints {
    public static let status = Endpoint<NoBody, StatusResponse>(.GET, "/v1/status")

    /// The list and its revision.
    public static func list(_ kind: ListKind) -> Endpoint<NoBody, AccessListResponse> { .init(.GET, "/v1/\(kind.rawValue)") }
    public static func addEntry(_ kind: ListKind) -> Endpoint<EntryWriteRequest, EntryWriteResponse> { .init(.POST, "/v1/\(kind.rawValue)") }
    /// The entry (named by id or source) and the revision.
    public static func entry(_ kind: ListKind) -> Endpoint<NoBody, EntryWriteResponse> { .init(.GET, "/v1/\(kind.rawValue)/{id}") }
    /// Every field given.
    public static func replaceEntry(_ kind: ListKind) -> Endpoint<EntryWriteRequest, EntryWriteResponse> {
        .init(.PUT, "/v1/\(kind.rawValue)/{id}")
    }
    /// The fields given.
    public static func updateEntry(_ kind: ListKind) -> Endpoint<EntryWriteRequest, EntryWriteResponse> {
        .init(.PATCH, "/v1/\(kind.rawValue)/{id}")
    }
    /// Takes `?acknowledge_impact=true` in the query (there is no body).
    public static func removeEntry(_ kind: ListKind) -> Endpoint<NoBody, EntryWriteResponse> { .init(.DELETE, "/v1/\(kind.rawValue)/{id}") }

    /// What turning a whitelist entry's `tcp_proxy` on would do.
    public static let entryImpact = Endpoint<NoBody, ImpactReport>(.GET, "/v1/whitelist/{id}/impact")
    /// What any proposed change would do, without writing it.
    public static let impact = Endpoint<ImpactRequest, ImpactReport>(.POST, "/v1/impact")

    public static let connections = Endpoint<NoBody, ConnectionsResponse>(.GET, "/v1/connections")
    public static let events = Endpoint<NoBody, EventsResponse>(.GET, "/v1/events")
    public static let eventStream = Endpoint<NoBody, EventStream>(.GET, "/v1/events/stream")

    public static let changes = Endpoint<NoBody, ChangesResponse>(.GET, "/v1/changes")
    public static let confirmChange = Endpoint<NoBody, PendingChangeInfo>(.POST, "/v1/changes/{id}/confirm")
    public static let revertChange = Endpoint<NoBody, PendingChangeInfo>(.POST, "/v1/changes/{id}/revert")

    public static let audit = Endpoint<NoBody, AuditResponse>(.GET, "/v1/audit")
    public static let metrics = Endpoint<NoBody, MetricsText>(.GET, "/metrics")

    /// Every route, each once.
    public static var all: [Route] {
        var routes = [status.route]
        for kind in ListKind.allCases {
            routes += [list(kind).route, addEntry(kind).route, entry(kind).route, replaceEntry(kind).route,
                       updateEntry(kind).route, removeEntry(kind).route]
        }
        return routes + [entryImpact.route, impact.route, connections.route, events.route, eventStream.route, changes.route,
                         confirmChange.route, revertChange.route, audit.route, metrics.route]
    }
}
