/// The line naming the views, the current one marked (reverse video and brackets).
struct TabLine {
    var current: ConsoleView

    func render(into buffer: inout CellBuffer, y: Int, width: Int) {
        var x = 0
        for view in ConsoleView.allCases {
            let key = view == .help ? "?" : "\(view.rawValue)"
            let active = view == current
            let text = active ? "[\(key) \(view.title)]" : " \(key) \(view.title) "
            x = buffer.write(text, x: x, y: y, role: active ? .tabActive : .tabInactive, maxX: width)
            x = buffer.write(" ", x: x, y: y, role: .normal, maxX: width)
        }
    }
}
