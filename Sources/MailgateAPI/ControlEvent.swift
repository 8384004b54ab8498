import Foundation

/// Something the control plane did or saw: the lists changed (an API write, a reload, a
/// confirmed change, a kept hand edit) or a pending change was reverted. Journalled and
/// streamed beside the gate's events, in the same sequence.
public struct ControlEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case configChanged = "config-changed"
        case changeReverted = "change-reverted"
    }

    public var time: Date
    public var kind: Kind
    /// The entry the change is about, when there is one.
    public var entryID: String?
    /// Who and what, in words.
    public var detail: String?

    public init(time: Date = Date(), kind: Kind, entryID: String? = nil, detail: String? = nil) {
        self.time = time
        self.kind = kind
        self.entryID = entryID
        self.detail = detail
    }
}
