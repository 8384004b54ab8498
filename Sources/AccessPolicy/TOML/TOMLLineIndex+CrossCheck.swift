import TOMLKit

extension TOMLLineIndex {
    /// This index, trusted only where it agrees with TOMLKit's parse of the same text:
    /// under any table whose keys differ, or array whose element count differs, every
    /// line is dropped (the table's or array's own line is kept). A message then goes
    /// without a line rather than with a wrong one.
    public func checked(against document: TOMLTable) -> TOMLLineIndex {
        var copy = self
        copy.prune(node: 0, against: document)
        return copy
    }

    private mutating func prune(node: Int, against value: any TOMLValueConvertible) {
        switch value.type {
        case .table:
            guard let table = value.table, nodes[node].kind == .table,
                  Set(nodes[node].keys.keys) == Set(table.keys) else { return forget(below: node) }
            for (key, child) in table {
                if let childNode = nodes[node].keys[key] { prune(node: childNode, against: child) }
            }
        case .array:
            guard let array = value.array, nodes[node].kind == .array,
                  nodes[node].elements.count == array.count else { return forget(below: node) }
            for (position, element) in array.enumerated() {
                prune(node: nodes[node].elements[position], against: element)
            }
        default:
            if nodes[node].kind != .value { forget(below: node) }
        }
    }

    private mutating func forget(below node: Int) {
        nodes[node].keys = [:]
        nodes[node].elements = []
    }
}
