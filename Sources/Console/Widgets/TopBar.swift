
/// The top two lines: who we talk to and how it is (words and glyphs, not colour alone),
/// then every listener with its upstream and whether that upstream answers.
struct TopBar {
    var model: ConsoleModel

    func render(into buffer: inout CellBuffer, width: Int) {
        buffer.fill(Rect(x: 0, y: 0, width: width, height: 1), role: .topBar)
        // (priority, text): the most important parts stay when the line is short.
        var parts: [(Int, String)] = [(0, " mailgate"), (1, linkWords)]
        let stale = model.lastLive.map { " (stale: \(Formatting.clock($0)))" } ?? ""
        // Open: the connection table the Connections view shows, so both say the same.
        if model.connections.loadedAt != nil {
            parts.append((2, "open \(Formatting.count(model.connections.count))\(stale)"))
        }
        if let status = model.status {
            parts.append((5, model.isLive ? "daemon \(status.version) up \(Formatting.age(status.uptimeSeconds))" : "daemon \(status.version)"))
            let c = status.connections
            // The daemon's own totals: since it started, not since the console did.
            parts.append((3, "since daemon start: \(Formatting.count(c.rejectedTotal)) rejected, "
                             + "\(Formatting.count(c.acceptedTotal)) accepted\(stale)"))
        }
        let live: String = switch model.link {
        case .connected, .fixture: "▶ live"
        default: "◌ not live"
        }
        let right = (model.paused ? "‖ PAUSED" : live) + "  " + Formatting.clock(model.now) + " "
        let room = width - right.cellWidth - 1
        // The name and the link state always show (cut if need be); the rest only if it fits.
        var kept = Set(parts.indices.filter { parts[$0].0 <= 1 })
        for (index, _) in parts.enumerated().sorted(by: { $0.element.0 < $1.element.0 }) where !kept.contains(index) {
            let candidate = kept.union([index])
            let text = parts.indices.filter(candidate.contains).map { parts[$0].1 }.joined(separator: " │ ")
            if text.cellWidth <= room { kept = candidate }
        }
        let left = parts.indices.filter(kept.contains).map { parts[$0].1 }.joined(separator: " │ ")
        buffer.write(left.truncated(to: room), x: 0, y: 0, role: .topBar, maxX: room)
        buffer.write(right, x: width - right.cellWidth, y: 0, role: .topBar, attributes: model.paused ? [.bold] : [])

        guard let listeners = model.status?.listeners, !listeners.isEmpty else {
            buffer.write(" no listener information yet", x: 0, y: 1, role: .dim)
            return
        }
        // Once the link drops, what was checked then is history: never "up" now.
        let heading = model.lastLive.map { " Listeners, last known at \(Formatting.clock($0)):" } ?? " Listeners:"
        // Service → upstream when all fit, else the service names alone.
        let full = listeners.reduce(heading.cellWidth) { $0 + " \($1.service) → \($1.upstream) ✓ up ".cellWidth + 6 } <= width
        var x = buffer.write(heading, x: 0, y: 1, role: .dim)
        for listener in listeners {
            let (glyph, word, role): (String, String, ColorRole) = switch (listener.upstreamReachable, model.lastLive == nil) {
            case (true?, true): ("✓", "up", .good)
            case (false?, true): ("✗", "DOWN", .bad)
            case (true?, false): ("?", "was up", .dim)
            case (false?, false): ("?", "was DOWN", .dim)
            case (nil, _): ("?", "unchecked", .dim)
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
