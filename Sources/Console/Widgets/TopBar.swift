import Control

/// The top two lines: who we talk to and how it is (words and glyphs, not colour alone),
/// then every listener with its upstream and whether that upstream answers.
struct TopBar {
    var model: ConsoleModel

    func render(into buffer: inout CellBuffer, width: Int) {
        buffer.fill(Rect(x: 0, y: 0, width: width, height: 1), role: .topBar)
        var parts = [" mailgate"]
        if let status = model.status {
            parts.append("daemon \(status.version) up \(Formatting.age(status.uptimeSeconds))")
        }
        parts.append(linkWords)
        if let counts = model.status?.connections {
            parts.append("open \(counts.open) · accepted \(Formatting.count(counts.acceptedTotal)) · rejected \(Formatting.count(counts.rejectedTotal))")
        }
        let right = (model.paused ? "‖ PAUSED" : "▶ live") + "  " + Formatting.clock(model.now) + " "
        buffer.write(parts.joined(separator: " │ "), x: 0, y: 0, role: .topBar, maxX: width - right.cellWidth - 1)
        buffer.write(right, x: width - right.cellWidth, y: 0, role: .topBar, attributes: model.paused ? [.bold] : [])

        guard let listeners = model.status?.listeners, !listeners.isEmpty else {
            buffer.write(" no listener information yet", x: 0, y: 1, role: .dim)
            return
        }
        // Service → upstream when all fit, else the service names alone.
        let full = listeners.reduce(11) { $0 + " \($1.service) → \($1.upstream) ✓ up ".cellWidth + 6 } <= width
        var x = buffer.write(" Listeners:", x: 0, y: 1, role: .dim)
        for listener in listeners {
            let (glyph, word, role): (String, String, ColorRole) = switch listener.upstreamReachable {
            case true?: ("✓", "up", .good)
            case false?: ("✗", "DOWN", .bad)
            case nil: ("?", "unchecked", .dim)
            }
            let text = full ? " \(listener.service) → \(listener.upstream) " : " \(listener.service) "
            guard x + text.cellWidth + word.cellWidth + 3 <= width else {
                buffer.write(" …", x: x, y: 1, role: .dim)
                break
            }
            x = buffer.write(text, x: x, y: 1, role: .normal)
            x = buffer.write("\(glyph) \(word)", x: x, y: 1, role: role)
            x = buffer.write(" ", x: x, y: 1, role: .normal)
        }
    }

    var linkWords: String {
        switch model.link {
        case .connected: "● connected"
        case .fixture: "◆ fixture data"
        case .connecting: "… connecting"
        case .reconnecting(let attempt, let reason): "↻ reconnecting (try \(attempt)): \(reason)"
        case .failed(let problem, _): "✗ \(problem)"
        }
    }
}
