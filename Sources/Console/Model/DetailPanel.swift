import AccessPolicy

/// One row of any list shown whole: every field, untruncated, for the detail panel that
/// Enter opens (also with --readonly). `e` edits the entry behind it, when there is one.
public struct DetailPanel: Hashable, Sendable {
    public struct Field: Hashable, Sendable {
        public var label: String
        public var value: String
        public init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    /// The list entry a panel shows, which `e` opens in the edit form.
    public struct EntryRef: Hashable, Sendable {
        public var list: ListKind
        public var entryID: String
    }

    public var title: String
    public var fields: [Field]
    public var entry: EntryRef?
    /// Lines scrolled past, when the fields do not fit.
    public var scroll = 0

    public init(title: String, fields: [Field], entry: EntryRef? = nil) {
        self.title = title
        self.fields = fields
        self.entry = entry
    }
}
