/// The line each key, table header and array element of a TOML text was written on.
///
/// TOMLKit's values carry no source positions, so `FILE:LINE:` messages about a value
/// (a bad address in the second `[[whitelist]]`) come from this index instead. It is
/// built by a small scanner that knows just enough TOML to find keys: comments, both
/// quote styles, multi-line strings, arrays across lines, inline tables, dotted keys
/// and `[[array]]` headers. It does not validate: only index text TOMLKit has accepted,
/// and use `checked(against:)` so that lines are dropped wherever the two disagree.
/// Lines are 1-based, as in TOMLKit's parse errors.
public struct TOMLLineIndex: Sendable {
    struct Node: Sendable {
        enum Kind: Sendable { case value, table, array }
        var kind: Kind = .value
        var line: Int?
        /// Table children by key.
        var keys: [String: Int] = [:]
        /// Array elements, in order.
        var elements: [Int] = []
        /// Declared with `[[name]]` headers (so a later `[name.sub]` means its last element).
        var isArrayOfTables = false
    }

    /// Node 0 is the document's root table.
    var nodes: [Node] = [Node(kind: .table, line: nil)]

    public init(text: String) {
        var scanner = TOMLLineScanner(text: text)
        scanner.scanDocument()
        self = scanner.index
    }

    init() {}

    /// The line of the value (or table header) at `path`, if known.
    public func line(of path: TOMLPath) -> Int? {
        node(at: path).flatMap { nodes[$0].line }
    }

    /// The line of a top-level key.
    public func line(key: String) -> Int? {
        line(of: [.key(key)])
    }

    /// The line of `key` in the table `[table]` (a dotted name reaches nested tables).
    public func line(table: String, key: String) -> Int? {
        line(of: Self.path(dotted: table).appending(key))
    }

    /// The line of `key` in element `element` (0-based) of the array of tables `[[array]]`.
    public func line(array: String, element: Int, key: String) -> Int? {
        line(of: Self.path(dotted: array).appending(index: element).appending(key))
    }

    /// The line of each `[[array]]` header (or inline element), in order.
    public func headerLines(array: String) -> [Int?] {
        let path = Self.path(dotted: array)
        guard let index = node(at: path) else { return [] }
        return nodes[index].elements.map { nodes[$0].line }
    }

    /// How many elements the array at `path` has, if it is an array.
    public func elementCount(at path: TOMLPath) -> Int? {
        node(at: path).flatMap { nodes[$0].kind == .array ? nodes[$0].elements.count : nil }
    }

    /// The keys of the table at `path`, if it is a table.
    public func keys(at path: TOMLPath) -> Set<String>? {
        node(at: path).flatMap { nodes[$0].kind == .table ? Set(nodes[$0].keys.keys) : nil }
    }

    func node(at path: TOMLPath) -> Int? {
        var current = 0
        for component in path.components {
            switch component {
            case .key(let key):
                guard let next = nodes[current].keys[key] else { return nil }
                current = next
            case .index(let index):
                guard nodes[current].elements.indices.contains(index) else { return nil }
                current = nodes[current].elements[index]
            }
        }
        return current
    }

    private static func path(dotted name: String) -> TOMLPath {
        TOMLPath(name.split(separator: ".", omittingEmptySubsequences: false).map { .key(String($0)) })
    }
}
