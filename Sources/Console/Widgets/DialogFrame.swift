/// A boxed, filled rectangle with a title in its top border, for every dialog.
struct DialogFrame {
    var title: String
    var body: ColorRole
    var titleRole: ColorRole

    /// Draws the frame and returns the inner rectangle (one cell of padding inside the border).
    @discardableResult
    func render(into buffer: inout CellBuffer, _ rect: Rect) -> Rect {
        buffer.fill(rect, role: body)
        buffer.box(rect, role: body)
        buffer.write(" \(title) ", x: rect.x + 2, y: rect.y, role: titleRole, maxX: rect.maxX - 2)
        return Rect(x: rect.x + 2, y: rect.y + 1, width: rect.width - 4, height: rect.height - 2)
    }

    /// A button: brackets always (focus is shown by a marker too, not colour alone).
    static func button(_ label: String, focused: Bool) -> String { focused ? "▶[ \(label) ]◀" : " [ \(label) ] " }
}

/// The yes/no dialog, focus on Cancel.
struct ConfirmDialogWidget {
    var dialog: ConfirmDialog

    func render(into buffer: inout CellBuffer, in area: Rect) {
        let width = min(70, area.width - 4)
        let text = dialog.lines.flatMap { Formatting.wrap($0, width: width - 4) }
        let rect = area.centred(width: width, height: text.count + 6)
        let inner = DialogFrame(title: dialog.title, body: .dialog, titleRole: .dialogTitle).render(into: &buffer, rect)
        for (i, line) in text.enumerated() { buffer.write(line, x: inner.x, y: inner.y + 1 + i, role: .dialog) }
        let y = inner.maxY - 2
        var x = buffer.write(DialogFrame.button("Cancel", focused: dialog.focus == .cancel), x: inner.x, y: y,
                             role: dialog.focus == .cancel ? .buttonFocused : .button)
        x = buffer.write("  ", x: x, y: y, role: .dialog)
        buffer.write(DialogFrame.button("\(dialog.confirmLabel) (y)", focused: dialog.focus == .confirm), x: x, y: y,
                     role: dialog.focus == .confirm ? .buttonFocused : .button)
    }
}
