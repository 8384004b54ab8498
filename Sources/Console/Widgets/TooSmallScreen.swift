/// Shown instead of everything else below the minimum size, naming the size needed.
struct TooSmallScreen {
    static let minimumWidth = 80
    static let minimumHeight = 24

    func render(into buffer: inout CellBuffer) {
        let lines = [
            "Terminal too small",
            "",
            "This window is \(buffer.width)×\(buffer.height);",
            "mailgate needs at least \(Self.minimumWidth)×\(Self.minimumHeight).",
            "",
            "Enlarge the window or make the font smaller.",
            "q quits.",
        ]
        let top = max(0, (buffer.height - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            let x = max(0, (buffer.width - line.cellWidth) / 2)
            buffer.write(line, x: x, y: top + i, role: i == 0 ? .warning : .normal, attributes: i == 0 ? [.bold] : [])
        }
    }
}
