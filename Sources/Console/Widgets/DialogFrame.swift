/// A boxed, filled rectangle with a title in its top border, for every dialog.
struct DialogFrame {
    var title: String
    var body: ColorRole
    var titleRole: ColorRole
    var lines: CellBuffer.BoxLines = .single

    /// Draws the frame and returns the inner rectangle (one cell of padding inside the border).
    @discardableResult
    func render(into buffer: inout CellBuffer, _ rect: Rect) -> Rect {
        buffer.fill(rect, role: body)
        buffer.clickable(rect, .dialog)
        buffer.box(rect, role: body, lines: lines)
        buffer.write(" \(title) ", x: rect.x + 2, y: rect.y, role: titleRole, maxX: rect.maxX - 2)
        return Rect(x: rect.x + 2, y: rect.y + 1, width: rect.width - 4, height: rect.height - 2)
    }

    /// A button: brackets always (focus is shown by a marker too, not colour alone).
    static func button(_ label: String, focused: Bool) -> String { focused ? "▶[ \(label) ]◀" : " [ \(label) ] " }

    /// Draws a button at (x, y), registers it for clicks and returns the x after it.
    @discardableResult
    static func drawButton(_ label: String, _ target: ClickTarget.DialogButton, focused: Bool, x: Int, y: Int,
                           into buffer: inout CellBuffer, maxX: Int? = nil) -> Int {
        let end = buffer.write(button(label, focused: focused), x: x, y: y, role: focused ? .buttonFocused : .button, maxX: maxX)
        buffer.clickable(Rect(x: x, y: y, width: end - x, height: 1), .button(target))
        return end
    }
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
        var x = DialogFrame.drawButton("Cancel", .cancel, focused: dialog.focus == .cancel, x: inner.x, y: y, into: &buffer)
        x = buffer.write("  ", x: x, y: y, role: .dialog)
        DialogFrame.drawButton("\(dialog.confirmLabel) (y)", .confirm, focused: dialog.focus == .confirm, x: x, y: y, into: &buffer)
    }
}
