/// The add/edit form: one line a field, its problem beside it (✗ and words), the whole
/// message of the focused field's problem under the fields.
struct EntryFormWidget {
    var form: EntryForm

    func render(into buffer: inout CellBuffer, in area: Rect) {
        let width = min(78, area.width - 2)
        let rect = area.centred(width: width, height: 14)
        let inner = DialogFrame(title: form.title, body: .dialog, titleRole: .dialogTitle).render(into: &buffer, rect)
        let labelWidth = 15
        let fieldWidth = min(30, inner.width - labelWidth - 12)
        for (row, field) in EntryForm.Field.allCases.enumerated() {
            let y = inner.y + 1 + row
            let focused = form.focus == field
            buffer.clickable(Rect(x: inner.x, y: y, width: inner.width, height: 1), .field(field.rawValue))
            buffer.write((focused ? "▶ " : "  ") + field.label, x: inner.x, y: y, role: focused ? .dialogTitle : .dialog)
            let fx = inner.x + labelWidth
            if field == .enabled {
                buffer.write(form.enabled ? "[x] yes" : "[ ] no", x: fx, y: y, role: .input)
                buffer.write("Space toggles", x: fx + 9, y: y, role: .dialog)
                continue
            }
            var text = form.text(of: field)
            if focused { text += "▏" }
            // Show the end of a long value: that is where typing happens.
            if text.cellWidth > fieldWidth { text = "…" + String(text.suffix(fieldWidth - 1)) }
            buffer.fill(Rect(x: fx, y: y, width: fieldWidth, height: 1), role: .input)
            buffer.write(text, x: fx, y: y, role: .input, maxX: fx + fieldWidth)
            if let problem = form.problem(field) {
                buffer.write("✗ " + problem, x: fx + fieldWidth + 1, y: y, role: .inputError, maxX: inner.maxX)
            } else if field == .source, !form.source.isEmpty {
                buffer.write("✓ ok", x: fx + fieldWidth + 1, y: y, role: .good)
            }
        }
        var y = inner.y + 6
        if form.list == .whitelist {
            let state = form.tcpProxy ? "on" : "off"
            y = writeWrapped("TCP Proxy: \(state). Change it with p in the list: it needs the warning.", y: y, inner, &buffer, role: .dialog)
        }
        let known = (form.knownServices + ["all"]).joined(separator: ", ")
        y = writeWrapped("Services: \(known), separated by commas.", y: y, inner, &buffer, role: .dialog)
        if let problem = EntryForm.Field.allCases.compactMap({ f in form.problem(f).map { "\(f.label): \($0)" } }).first {
            y = writeWrapped("✗ " + problem, y: y + 1, inner, &buffer, role: .inputError)
        }
        let keys = form.isValid ? "Enter saves · Tab next field · Esc cancels" : "Fix the fields marked ✗ to save · Esc cancels"
        buffer.write(keys, x: inner.x, y: inner.maxY - 1, role: .dialogTitle, maxX: inner.maxX)
    }

    private func writeWrapped(_ text: String, y: Int, _ inner: Rect, _ buffer: inout CellBuffer, role: ColorRole) -> Int {
        var y = y
        for line in Formatting.wrap(text, width: inner.width) where y < inner.maxY - 1 {
            buffer.write(line, x: inner.x, y: y, role: role)
            y += 1
        }
        return y
    }
}
