/// The last line: the keys that work here, from the actions table; what does not fit is
/// left out from the end (Help, first, always fits).
struct Footer {
    var actions: [KeyAction]

    func render(into buffer: inout CellBuffer, y: Int, width: Int) {
        buffer.fill(Rect(x: 0, y: y, width: width, height: 1), role: .footerLabel)
        var x = 0
        for action in actions {
            let key = action.keys.first!.label
            let label = action.label
            guard x + key.cellWidth + label.cellWidth + 1 <= width else { break }
            x = buffer.write(key, x: x, y: y, role: .footerKey)
            x = buffer.write(" " + label + "  ", x: x, y: y, role: .footerLabel)
        }
    }
}
