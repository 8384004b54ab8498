/// The last line: the keys that work here, from the actions table; what does not fit is
/// left out from the end (Help, first, always fits).
struct Footer {
    var actions: [KeyAction]

    static func cost(_ action: KeyAction) -> Int { action.keys.first!.label.cellWidth + action.label.cellWidth + 3 }

    /// The actions that fit, chosen by rank, shown in table order.
    func fitting(width: Int) -> [KeyAction] {
        var used = 0
        var kept: [Int] = []
        for (index, action) in actions.enumerated().sorted(by: { KeyActions.footerRank($0.element) < KeyActions.footerRank($1.element) }) {
            if used + Self.cost(action) <= width + 2 { used += Self.cost(action); kept.append(index) }
        }
        return kept.sorted().map { actions[$0] }
    }

    func render(into buffer: inout CellBuffer, y: Int, width: Int) {
        buffer.fill(Rect(x: 0, y: y, width: width, height: 1), role: .footerLabel)
        var x = 0
        for action in fitting(width: width) {
            let key = action.keys.first!.label
            let label = action.label
            guard x + key.cellWidth + label.cellWidth + 1 <= width else { break }
            x = buffer.write(key, x: x, y: y, role: .footerKey)
            x = buffer.write(" " + label + "  ", x: x, y: y, role: .footerLabel)
        }
    }
}
