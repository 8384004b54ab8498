/// A view's first line: its name and counts, and the filter when one is typed or applied.
struct ViewTitle {
    var text: String
    var filter: String
    var editing: Bool

    func render(into buffer: inout CellBuffer, _ rect: Rect) {
        var filterText = ""
        if editing { filterText = "Filter: \(filter)▏ (Enter keeps, Esc clears)" }
        else if !filter.isEmpty { filterText = "Filter: \(filter)  (/ changes, Esc clears)" }
        let maxTitle = filterText.isEmpty ? rect.maxX : rect.maxX - filterText.cellWidth - 2
        buffer.write(text, x: rect.x, y: rect.y, role: .heading, maxX: maxTitle)
        if !filterText.isEmpty {
            buffer.write(filterText, x: rect.maxX - filterText.cellWidth, y: rect.y, role: .filter)
        }
    }
}
