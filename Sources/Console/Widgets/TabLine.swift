/// The line naming the views, the current one marked (reverse video and brackets).
struct TabLine {
    var current: ConsoleView

    func render(into buffer: inout CellBuffer, y: Int, width: Int) {
        var x = 0
        for view in ConsoleView.allCases {
            let key = view == .help ? "?" : "\(view.rawValue)"
            let active = view == current
            let text = active ? "[\(key) \(view.title)]" : " \(key) \(view.title) "
            let start = x
            x = buffer.write(text, x: x, y: y, role: active ? .tabActive : .tabInactive, maxX: width)
            buffer.clickable(Rect(x: start, y: y, width: x - start, height: 1), .tab(view.rawValue))
            x = buffer.write(" ", x: x, y: y, role: .normal, maxX: width)
        }
    }
}
