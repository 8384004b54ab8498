/// The impact warning: centred, in danger colours; the change, who it would
/// refuse, the evidence and the auto-revert, in the daemon's words; Cancel has focus; `E`
/// is the only way to apply.
struct ImpactDialogWidget {
    var dialog: ImpactDialog

    /// The body, one paragraph a string; "" is a blank line, "•" starts a bullet.
    var paragraphs: [String] {
        guard let report = dialog.report else {
            return ["Asking the daemon what this change would do to the traffic of the last 15 minutes…", "",
                    "A change that could cut clients off reverts itself unless you press c to confirm it."]
        }
        var text: [String] = []
        // The report's own last line about the revert is said below with the console's keys.
        for line in report.warning where !line.hasPrefix("Applied, the change reverts itself") {
            // A blank line before each list, so the items stand out.
            if line.hasSuffix(":") && !line.hasPrefix("• ") { text.append("") }
            text.append(line)
        }
        if report.requiresAcknowledgement {
            text.append("")
            text.append("Applied, it reverts in \(Int(report.revertAfterSeconds)) s unless you press c to confirm it (5: Changes).")
        }
        return text
    }

    func render(into buffer: inout CellBuffer, in area: Rect) {
        let width = min(90, area.width - 2)
        let textWidth = width - 4
        var lines: [String] = []
        for paragraph in paragraphs {
            if paragraph.hasPrefix("• ") {
                let wrapped = Formatting.wrap(String(paragraph.dropFirst(2)), width: textWidth - 2)
                lines += wrapped.enumerated().map { ($0.offset == 0 ? "• " : "  ") + $0.element }
            } else {
                lines += Formatting.wrap(paragraph, width: textWidth)
            }
        }
        // Never taller than the screen: the buttons and the hint always show; the text is cut with a mark.
        let room = max(1, area.height - 5)
        if lines.count > room { lines = Array(lines.prefix(room - 1)) + ["… (\(lines.count - room + 1) more lines: see `mailgate` CLI or POST /v1/impact)"] }
        let hint = dialog.hint ?? "Enter or Esc cancels. Enter never applies."
        let rect = area.centred(width: width, height: lines.count + 5)
        let frame = DialogFrame(title: "⚠ WARNING: \(dialog.title)", body: .danger, titleRole: .dangerTitle, lines: .double)
        let inner = frame.render(into: &buffer, rect)
        for (i, line) in lines.enumerated() { buffer.write(line, x: inner.x, y: inner.y + i, role: .danger) }
        let y = inner.maxY - 2
        var x = DialogFrame.drawButton("Cancel", .cancel, focused: dialog.focus == .cancel, x: inner.x, y: y, into: &buffer)
        x = buffer.write("   ", x: x, y: y, role: .danger)
        let apply = dialog.canApply ? "Apply: press E (Shift-e)" : "Apply: waiting for the evidence"
        DialogFrame.drawButton(apply, .confirm, focused: dialog.focus == .apply, x: x, y: y, into: &buffer, maxX: inner.maxX)
        buffer.write(hint, x: inner.x, y: y + 1, role: .dangerTitle, maxX: inner.maxX)
    }
}
