/// The detail panel: one line a field label, its value wrapped beside it, nothing cut;
/// scrolls when taller than the screen. The last line names the keys.
struct DetailPanelWidget {
    var panel: DetailPanel
    var readonly: Bool

    /// The text lines for a width: (label or "", a piece of the value).
    func lines(width: Int) -> [(String, String)] {
        let labelWidth = (panel.fields.map(\.label.cellWidth).max() ?? 0) + 2
        var lines: [(String, String)] = []
        for field in panel.fields {
            let pieces = field.value.split(separator: "\n", omittingEmptySubsequences: false)
                .flatMap { Formatting.wrap(String($0), width: max(1, width - labelWidth)) }
            for (i, piece) in pieces.enumerated() { lines.append((i == 0 ? field.label : "", piece)) }
        }
        return lines
    }

    var keys: String {
        var keys = "Esc closes"
        if panel.entry != nil && !readonly { keys += " · e edits" }
        return keys
    }

    func render(into buffer: inout CellBuffer, in area: Rect) {
        let width = min(100, area.width - 2)
        let textWidth = width - 4
        let labelWidth = (panel.fields.map(\.label.cellWidth).max() ?? 0) + 2
        let all = lines(width: textWidth)
        let room = max(1, area.height - 5)
        let scroll = min(panel.scroll, max(0, all.count - room))
        let shown = all.dropFirst(scroll).prefix(room)
        let rect = area.centred(width: width, height: shown.count + 4)
        let inner = DialogFrame(title: panel.title, body: .dialog, titleRole: .dialogTitle).render(into: &buffer, rect)
        for (i, line) in shown.enumerated() {
            buffer.write(line.0, x: inner.x, y: inner.y + i, role: .dialogTitle, maxX: inner.x + labelWidth)
            buffer.write(line.1, x: inner.x + labelWidth, y: inner.y + i, role: .dialog, maxX: inner.maxX)
        }
        var footer = keys
        if all.count > room { footer += " · j/k scroll (\(scroll + shown.count) of \(all.count) lines)" }
        buffer.write(footer, x: inner.x, y: inner.maxY - 1, role: .dialogTitle, maxX: inner.maxX)
    }
}
