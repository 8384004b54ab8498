/// A key press (or terminal event) as the console understands it, whatever the backend.
public enum Key: Hashable, Sendable {
    case character(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    case function(Int)
    case resize
    /// A mouse wheel step (only with --mouse): negative up, positive down.
    case wheel(Int)
    /// A mouse click at a screen cell (only with --mouse).
    case click(x: Int, y: Int)

    /// How the key is written in the footer, the help view and the README.
    public var label: String {
        switch self {
        case .character(" "): "Space"
        case .character(let c): String(c)
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .backspace: "Backspace"
        case .delete: "Del"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .function(let n): "F\(n)"
        case .resize: "resize"
        case .wheel: "wheel"
        case .click: "click"
        }
    }
}
