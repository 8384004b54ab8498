import Foundation

/// What reverting a pending change does to the lists as they are now: a pure computation.
/// The change is known by the entry before it (nil: an add) and after it (nil: a removal).
/// Only what the change did is undone; a field edited again since keeps its newer value.
public struct Undo: Sendable {
    /// The lists to write, or nil when there is nothing to undo.
    public var lists: AccessLists?
    /// The entry before and after the revert (for the audit record).
    public var entryBefore: AccessEntry?
    public var entryAfter: AccessEntry?
    /// What was done, in words.
    public var words: String

    public static func of(list kind: ListKind, before: AccessEntry?, after: AccessEntry?, in lists: AccessLists, by user: String,
                   now: Date) -> Undo {
        let id = (after ?? before)?.id ?? ""
        let position = lists[kind].firstIndex { $0.id == id }
        switch (before, after) {
        case (nil, let added?):
            guard let position else { return Undo(words: "the added entry \(added.source) was removed since; nothing to revert") }
            var edited = lists
            let current = edited[kind].remove(at: position)
            let since = current.hasSameSettings(as: added) ? "" : " (it was edited since: \(AccessListsDiff.fieldChanges(added, current).joined(separator: ", ")); those edits went with it)"
            return Undo(lists: edited, entryBefore: current, entryAfter: nil, words: "removed the added entry \(added.source) again\(since)")

        case (let removed?, nil):
            if position != nil { return Undo(words: "the removed entry \(removed.source) was added back since; nothing to revert") }
            if let other = lists[kind].first(where: { $0.source == removed.source }) {
                return Undo(words: "an entry for \(removed.source) was added since (id \(other.id)); it is kept and the removed one is not restored")
            }
            var edited = lists
            var restored = removed
            restored.updated = now
            restored.by = user
            edited[kind].append(restored)
            return Undo(lists: edited, entryBefore: nil, entryAfter: restored, words: "restored the removed entry \(removed.source)")

        case (let old?, let new?):
            guard let position else { return Undo(words: "the entry \(new.source) (\(id)) was deleted since; nothing to revert") }
            let current = lists[kind][position]
            var restored = current
            var undone: [String] = []
            var kept: [String] = []
            func field<T: Equatable>(_ name: String, _ key: WritableKeyPath<AccessEntry, T>, _ text: (T) -> String) {
                guard old[keyPath: key] != new[keyPath: key] else { return }
                if current[keyPath: key] == new[keyPath: key] {
                    restored[keyPath: key] = old[keyPath: key]
                    undone.append("\(name) \(text(new[keyPath: key])) → \(text(old[keyPath: key]))")
                } else {
                    kept.append("\(name) \(text(current[keyPath: key])) (changed again since)")
                }
            }
            field("source", \.source) { "\($0)" }
            field("description", \.description) { "\"\($0)\"" }
            field("services", \.services) { $0.names.joined(separator: ",") }
            field("tcp_proxy", \.tcpProxy) { "\($0)" }
            field("enabled", \.enabled) { "\($0)" }
            if restored.source != current.source, let other = lists[kind].first(where: { $0.source == restored.source && $0.id != id }) {
                restored.source = current.source
                undone.removeAll { $0.hasPrefix("source ") }
                kept.append("source \(current.source) (another entry, \(other.id), has \(old.source) now)")
            }
            let keptWords = kept.isEmpty ? "" : "; kept \(kept.joined(separator: ", "))"
            guard !undone.isEmpty else { return Undo(words: "nothing left to undo on \(current.source)\(keptWords)") }
            restored.updated = now
            restored.by = user
            var edited = lists
            edited[kind][position] = restored
            return Undo(lists: edited, entryBefore: current, entryAfter: restored,
                        words: "undid \(undone.joined(separator: ", ")) on \(restored.source)\(keptWords)")

        case (nil, nil):
            return Undo(words: "nothing to revert")
        }
    }
}
