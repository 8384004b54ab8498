import AccessPolicy
import Foundation
import Gate
import MailgateAPI

/// The impact of a proposed change, from what the gate saw: for the 409 that asks
/// for acknowledgement, `POST /v1/impact` and `GET /v1/whitelist/{id}/impact`.
extension AccessStore {
    func impactReport(_ kind: ListKind, before: AccessEntry?, after: AccessEntry?, current: AccessLists,
                      proposed: AccessLists) -> ImpactReport {
        let now = Int64(Date().timeIntervalSince1970)
        let observations = gate.windows.recent(now: now).map {
            ChangeImpact.Observation(source: $0.source, service: $0.service, lastMinute: $0.lastMinute, last15Minutes: $0.last15Minutes)
        }
        let open = gate.registry.snapshot().map {
            ChangeImpact.OpenConnection(peer: $0.peer.address, realClient: $0.realClient?.address, service: $0.service,
                                        proxied: $0.state != .relayingDirect)
        }
        return ChangeImpact(list: kind, before: before, after: after, current: current, proposed: proposed, services: services,
                            revertAfter: configuration.control.revertAfter)
            .report(observations: observations, open: open)
    }

    /// The impact of turning `tcp_proxy` on for a whitelist entry (by id or source).
    public func impact(of key: String) throws(APIError) -> ImpactReport {
        try preview(ImpactRequest(list: .whitelist, action: "update", entry: key, tcpProxy: true), by: .daemon)
    }

    /// The impact of a proposed change, computed as the write would, without writing.
    public func preview(_ request: ImpactRequest, by caller: Caller) throws(APIError) -> ImpactReport {
        let lists = current.lists
        let draft = EntryDraft(source: request.source, description: request.description, services: request.services,
                               tcpProxy: request.tcpProxy, enabled: request.enabled)
        let write: Write
        switch request.action {
        case "add": write = .add(draft, acknowledgeImpact: false)
        case "update", "remove":
            guard let key = request.entry, !key.isEmpty else {
                throw APIError.badRequest("invalid", "\(request.action) needs \"entry\": the id or source of the entry")
            }
            write = request.action == "update" ? .update(key, draft, acknowledgeImpact: false) : .remove(key, acknowledgeImpact: false)
        default:
            throw APIError.badRequest("invalid", "action must be add, update or remove, not \"\(request.action)\"")
        }
        let edit = try Self.edit(write, of: request.list, in: lists, services: services, by: caller, now: Date())
        return impactReport(request.list, before: edit.before, after: edit.after, current: lists, proposed: edit.lists)
    }
}
