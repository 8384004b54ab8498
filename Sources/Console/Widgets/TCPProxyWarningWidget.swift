/// The TCP Proxy warning (DESIGN §7): centred, in danger colours; the scope, the evidence
/// and the auto-revert in words; Cancel has focus; `E` is the only way to enable.
struct TCPProxyWarningWidget {
    var dialog: TCPProxyWarningDialog

    /// The body, one paragraph a string; "" is a blank line, "•" starts a bullet.
    var paragraphs: [String] {
        let source = "\(dialog.entry.source)"
        var text: [String] = []
        if !dialog.entry.description.isEmpty { text.append("Entry: \(source) — \(dialog.entry.description)") }
        text.append("Scope: \(dialog.scope).")
        text.append("")
        if let report = dialog.report {
            let w = report.last15Minutes
            text.append("Evidence from the last 15 minutes:")
            text.append("• \(w.directConnections) direct connection\(w.directConnections == 1 ? "" : "s") from \(source) would be REFUSED after this change.")
            if w.untrustedProxyHeaders > 0 {
                text.append("• \(w.untrustedProxyHeaders) PROXY header\(w.untrustedProxyHeaders == 1 ? "" : "s") received while unflagged — evidence it is a load balancer.")
            } else {
                text.append("• 0 PROXY headers received while unflagged — no sign yet that it is a load balancer.")
            }
            text.append("• \(report.openConnections) open connection\(report.openConnections == 1 ? " is" : "s are") not dropped.")
            text.append("")
            text.append("Auto-revert: the change reverts in \(Int(report.revertAfterSeconds)) s unless you press c to confirm it.")
        } else {
            text.append("Evidence: asking the daemon for the last 15 minutes of traffic from \(source)…")
            text.append("")
            text.append("Auto-revert: the change reverts by itself unless you press c to confirm it.")
        }
        return text
    }

    func render(into buffer: inout CellBuffer, in area: Rect) {
        let width = min(78, area.width - 2)
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
        let hint = dialog.hint ?? "Enter or Esc cancels. Enter never enables."
        let rect = area.centred(width: width, height: lines.count + 5)
        let frame = DialogFrame(title: "⚠ WARNING: enable TCP Proxy for \(dialog.entry.source)?", body: .danger, titleRole: .dangerTitle)
        let inner = frame.render(into: &buffer, rect)
        for (i, line) in lines.enumerated() { buffer.write(line, x: inner.x, y: inner.y + i, role: .danger) }
        let y = inner.maxY - 2
        var x = buffer.write(DialogFrame.button("Cancel", focused: dialog.focus == .cancel), x: inner.x, y: y,
                             role: dialog.focus == .cancel ? .buttonFocused : .button)
        x = buffer.write("   ", x: x, y: y, role: .danger)
        let enable = dialog.canEnable ? "Enable: press E (Shift-e)" : "Enable: waiting for the evidence"
        buffer.write(DialogFrame.button(enable, focused: dialog.focus == .enable), x: x, y: y,
                     role: dialog.focus == .enable ? .buttonFocused : .button, maxX: inner.maxX)
        buffer.write(hint, x: inner.x, y: y + 1, role: .dangerTitle, maxX: inner.maxX)
    }
}
