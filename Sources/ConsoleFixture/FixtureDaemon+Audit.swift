import AccessPolicy
import MailgateAPI
import Console
import Foundation

/// The pretend daemon's audit log: a record a write, confirmation and revert, shown live.
extension FixtureDaemon {
    mutating func recordAudit(_ action: String, list: ListKind?, entryID: String?, before: AccessEntry?, after: AccessEntry?,
                              detail: String, model: inout ConsoleModel) {
        audit.append(AuditRecord(id: "a\(audit.count + 1)", time: model.now, user: "you", uid: nil, action: action, list: list,
                                 entryID: entryID, before: before, after: after, detail: detail))
        model.apply(audit: audit)
    }

    static func verb(_ action: ListWrite.Action) -> String {
        switch action {
        case .add: "add"
        case .update: "update"
        case .remove: "remove"
        }
    }

    static func words(_ kind: ListKind, before: AccessEntry?, after: AccessEntry?) -> String {
        switch (before, after) {
        case (nil, let added?): "added \(kind.rawValue) \(added.source)"
        case (let removed?, nil): "removed \(kind.rawValue) \(removed.source)"
        case (_, let changed?): "changed \(kind.rawValue) \(changed.source) (\(changed.id))"
        default: ""
        }
    }
}
