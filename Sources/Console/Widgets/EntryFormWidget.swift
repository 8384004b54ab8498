/// The add/edit form: one line a field, its problem beside it (✗ and words), then, under
/// the fields, whatever stops the save: no link to the daemon, the daemon's refusal, the
/// save waiting for its answer, the focused field's problem in full.
struct EntryFormWidget {
    var form: EntryForm
    /// The console cannot reach the daemon: nothing can be saved now.
    var offline = false

    func render(into buffer: inout CellBuffer, in area: Rect) {
        let width = min(78, area.width - 2)
        let rect = area.centred(width: width, height: 15)
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
                let room = inner.maxX - (fx + fieldWidth + 1)
                buffer.write(Formatting.clipped("✗ " + problem, width: room), x: fx + fieldWidth + 1, y: y, role: .inputError)
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
        y += 1
        for (text, role) in summary {
            let room = inner.maxY - 1 - y
            guard room > 0 else { break }
            for line in Formatting.wrap(text, width: inner.width, lines: room) {
                buffer.write(line, x: inner.x, y: y, role: role)
                y += 1
            }
        }
        let keys = form.saving != nil ? "Saving… · Esc closes the form (the save goes on)"
            : form.isValid ? "Enter saves · Tab next field · Esc cancels" : "Fix the fields marked ✗ to save · Esc cancels"
        buffer.write(keys, x: inner.x, y: inner.maxY - 1, role: .dialogTitle, maxX: inner.maxX)
    }

    /// What stops the save, most urgent first.
    var summary: [(String, ColorRole)] {
        var lines: [(String, ColorRole)] = []
        if offline {
            lines.append(("✗ Not connected to the daemon: not saved until it is back (Esc cancels).", .inputError))
        }
        if let refusal = form.refusal { lines.append(("✗ Not saved — " + refusal, .inputError)) }
        if form.saving != nil { lines.append(("Saving… waiting for the daemon's answer.", .dialog)) }
        if let (field, problem) = form.summaryProblem { lines.append(("✗ \(field.label): \(problem)", .inputError)) }
        return lines
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
