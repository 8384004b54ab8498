/// A table column: how narrow it may get, how wide it likes to be, and which columns go
/// first when the screen is too narrow for all (lowest `keep` first).
public struct TableColumn: Sendable {
    public var title: String
    public var minWidth: Int
    public var width: Int
    /// Gets the space left over once every column has its `width`.
    public var flexible: Bool
    public var alignRight: Bool
    /// Higher is kept longer when the screen is narrow.
    public var keep: Int

    public init(_ title: String, min minWidth: Int, width: Int, flexible: Bool = false, alignRight: Bool = false, keep: Int = 5) {
        self.title = title
        self.minWidth = minWidth
        self.width = width
        self.flexible = flexible
        self.alignRight = alignRight
        self.keep = keep
    }
}

/// A table row: data cells (one per column, with an optional role per cell), or a group heading.
public enum TableRow: Sendable {
    case data([String], roles: [ColorRole?] = [])
    case heading(String)
    case note(String)
}

/// The lines of a table, read only where they are drawn: a view with thousands of rows
/// builds the dozen on screen, not all of them.
public protocol TableLines {
    var count: Int { get }
    func row(atLine line: Int) -> TableRow
    /// The display line of the `index`th data row.
    func line(ofDataRow index: Int) -> Int
    /// How many data rows come before a display line.
    func dataRows(before line: Int) -> Int
}

extension Array: TableLines where Element == TableRow {
    public func row(atLine line: Int) -> TableRow { self[line] }

    public func line(ofDataRow index: Int) -> Int {
        var dataIndex = 0
        for (line, row) in enumerated() {
            if case .data = row {
                if dataIndex == index { return line }
                dataIndex += 1
            }
        }
        return 0
    }

    public func dataRows(before line: Int) -> Int {
        self[..<Swift.min(line, count)].reduce(0) { if case .data = $1 { return $0 + 1 } else { return $0 } }
    }
}

/// Data rows only, each made when drawn.
public struct DataLines: TableLines {
    public var count: Int
    public var makeRow: (Int) -> TableRow

    public init(count: Int, makeRow: @escaping (Int) -> TableRow) {
        self.count = count
        self.makeRow = makeRow
    }

    public func row(atLine line: Int) -> TableRow { makeRow(line) }
    public func line(ofDataRow index: Int) -> Int { index }
    public func dataRows(before line: Int) -> Int { min(line, count) }
}

/// A scrolling table with one selected data row. Columns that do not fit are dropped,
/// least important first; the rest shrink towards their minimum, then share what is left.
public struct Table {
    public var columns: [TableColumn]
    public var rows: any TableLines
    /// Index among the data rows.
    public var selected: Int?
    public var gap = 1

    public init(columns: [TableColumn], rows: [TableRow], selected: Int?) {
        self.columns = columns
        self.rows = rows
        self.selected = selected
    }

    public init(columns: [TableColumn], lines: any TableLines, selected: Int?) {
        self.columns = columns
        self.rows = lines
        self.selected = selected
    }

    /// The widths of the columns for `total` cells; 0 means dropped.
    public func layout(width total: Int) -> [Int] {
        var shown = Array(columns.indices)
        func need(_ keyPath: KeyPath<TableColumn, Int>) -> Int {
            shown.reduce(0) { $0 + columns[$1][keyPath: keyPath] } + max(0, shown.count - 1) * gap
        }
        while need(\.minWidth) > total, shown.count > 1 {
            let drop = shown.min { columns[$0].keep < columns[$1].keep || (columns[$0].keep == columns[$1].keep && $0 > $1) }!
            shown.removeAll { $0 == drop }
        }
        // Columns with keep ≤ 2 are extras: shown only when every column gets its preferred width.
        while need(\.width) > total, let extra = shown.filter({ columns[$0].keep <= 2 }).min(by: { columns[$0].keep < columns[$1].keep }) {
            shown.removeAll { $0 == extra }
        }
        var widths = Array(repeating: 0, count: columns.count)
        for i in shown { widths[i] = columns[i].minWidth }
        var spare = total - need(\.minWidth)
        // Grow towards the preferred widths in proportion to what each lacks.
        let lacking = shown.reduce(0) { $0 + columns[$1].width - columns[$1].minWidth }
        if spare > 0, lacking > 0 {
            let budget = min(spare, lacking)
            for i in shown {
                let grow = budget * (columns[i].width - columns[i].minWidth) / lacking
                widths[i] += grow
                spare -= grow
            }
            for i in shown.sorted(by: { columns[$0].width - widths[$0] > columns[$1].width - widths[$1] }) where spare > 0 && widths[i] < columns[i].width {
                widths[i] += 1
                spare -= 1
            }
        }
        let flexible = shown.filter { columns[$0].flexible }
        if spare > 0, !flexible.isEmpty {
            for (n, i) in flexible.enumerated() {
                widths[i] += spare / flexible.count + (n < spare % flexible.count ? 1 : 0)
            }
        }
        if shown.count == 1 { widths[shown[0]] = min(widths[shown[0]], total) }
        return widths
    }

    /// Draws the header and the rows that fit, scrolled so the selection is visible.
    public func render(into buffer: inout CellBuffer, _ full: Rect) {
        guard full.height > 0 else { return }
        // Two cells on the left for the selection marker: selection is never colour alone.
        buffer.fill(Rect(x: full.x, y: full.y, width: 2, height: 1), role: .tableHeader)
        let rect = Rect(x: full.x + 2, y: full.y, width: full.width - 2, height: full.height)
        let widths = layout(width: rect.width)
        var x = rect.x
        buffer.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), role: .tableHeader)
        for (i, column) in columns.enumerated() where widths[i] > 0 {
            buffer.write(column.title.padded(to: widths[i], alignRight: column.alignRight), x: x, y: rect.y, role: .tableHeader)
            x += widths[i] + gap
        }
        let body = rect.height - 1
        guard body > 0 else { return }
        // Which display line holds the selected data row.
        let selectedLine = selected.map { rows.line(ofDataRow: $0) } ?? 0
        let offset = selected == nil ? 0 : max(0, selectedLine - body + 1)
        var dataIndex = rows.dataRows(before: offset)
        for line in 0..<max(0, min(body, rows.count - offset)) {
            let row = rows.row(atLine: offset + line)
            let y = rect.y + 1 + line
            switch row {
            case .heading(let text):
                buffer.write(text, x: full.x, y: y, role: .group, maxX: rect.maxX)
            case .note(let text):
                buffer.write(text, x: rect.x, y: y, role: .dim, maxX: rect.maxX)
            case .data(let cells, let roles):
                buffer.clickable(Rect(x: full.x, y: y, width: full.width, height: 1), .row(dataIndex))
                let isSelected = dataIndex == selected
                if isSelected {
                    buffer.fill(Rect(x: full.x, y: y, width: full.width, height: 1), role: .selected)
                    buffer.write("▶", x: full.x, y: y, role: .selected)
                }
                var x = rect.x
                for (i, column) in columns.enumerated() where widths[i] > 0 {
                    let text = i < cells.count ? cells[i] : ""
                    let role: ColorRole = isSelected ? .selected : ((i < roles.count ? roles[i] : nil) ?? .normal)
                    buffer.write(text.padded(to: widths[i], alignRight: column.alignRight), x: x, y: y, role: role)
                    x += widths[i] + gap
                }
                dataIndex += 1
            }
        }
        if rows.count > offset + body {
            let more = "↓ \(rows.count - offset - body) more"
            buffer.write(more, x: rect.maxX - more.cellWidth, y: rect.maxY - 1, role: .dim)
        }
    }
}
