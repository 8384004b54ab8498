/// What a mouse click landed on, as the widgets that drew it registered it in the
/// `CellBuffer`: hit-testing is a lookup in the frame last drawn, no curses involved.
public enum ClickTarget: Hashable, Sendable {
    /// A tab of the tab line (the view's number).
    case tab(Int)
    /// A data row of a table (its index among the data rows, as selections count).
    case row(Int)
    /// A field of a form (its index).
    case field(Int)
    case button(DialogButton)
    /// Inside a dialog but on nothing: the click stays in the dialog.
    case dialog

    public enum DialogButton: Hashable, Sendable { case cancel, confirm }
}

/// A rectangle of the screen and what a click there means.
public struct ClickRegion: Hashable, Sendable {
    public var rect: Rect
    public var target: ClickTarget
}

/// The mouse buttons of one report, as the backend reads them.
public struct MouseButtons: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let leftPress = MouseButtons(rawValue: 1)
    public static let wheelUp = MouseButtons(rawValue: 2)
    public static let wheelDown = MouseButtons(rawValue: 4)
}

extension Key {
    /// The key a mouse report means (only with --mouse): a wheel step or a click; nil for
    /// anything else (releases, moves, other buttons).
    public static func mouse(x: Int, y: Int, buttons: MouseButtons) -> Key? {
        if buttons.contains(.wheelUp) { return .wheel(-1) }
        if buttons.contains(.wheelDown) { return .wheel(1) }
        if buttons.contains(.leftPress) { return .click(x: x, y: y) }
        return nil
    }
}
