/// The Connections table's lines: per group a heading, then its rows (or "none"), each row
/// made only when drawn.
struct ConnectionLines: TableLines {
    var groups: [(title: String, connections: [OpenConnection])]
    var makeRow: (OpenConnection) -> TableRow

    /// Lines a group takes: its heading and its rows, or the heading and "none".
    func height(_ group: Int) -> Int { 1 + max(1, groups[group].connections.count) }

    var count: Int { groups.indices.reduce(0) { $0 + height($1) } }

    func row(atLine line: Int) -> TableRow {
        var first = 0
        for (index, group) in groups.enumerated() {
            if line < first + height(index) {
                let within = line - first
                if within == 0 { return .heading("▸ \(group.title) — \(Formatting.count(group.connections.count))") }
                return group.connections.isEmpty ? .note("none") : makeRow(group.connections[within - 1])
            }
            first += height(index)
        }
        return .note("")
    }

    func line(ofDataRow index: Int) -> Int {
        var first = 0, before = 0
        for (n, group) in groups.enumerated() {
            if index < before + group.connections.count { return first + 1 + index - before }
            before += group.connections.count
            first += height(n)
        }
        return 0
    }

    func dataRows(before line: Int) -> Int {
        var first = 0, rows = 0
        for (n, group) in groups.enumerated() {
            if line <= first { return rows }
            rows += min(group.connections.count, line - first - 1)
            if line < first + height(n) { return rows }
            first += height(n)
        }
        return rows
    }
}
