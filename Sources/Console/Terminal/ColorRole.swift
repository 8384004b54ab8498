/// What a cell means, not how it looks: themes map each role to colours and attributes.
/// `code` is the one-letter form used in golden colour-role maps.
public enum ColorRole: String, CaseIterable, Sendable, Hashable {
    case normal
    case topBar = "top-bar"
    case tabActive = "tab-active"
    case tabInactive = "tab-inactive"
    case heading
    case tableHeader = "table-header"
    case selected
    case group
    case dim
    case good
    case warning
    case bad
    case banner
    case footerKey = "footer-key"
    case footerLabel = "footer-label"
    case dialog
    case dialogTitle = "dialog-title"
    case danger
    case dangerTitle = "danger-title"
    case button
    case buttonFocused = "button-focused"
    case input
    case inputError = "input-error"
    case filter

    /// One character per role, for the colour-role maps of the golden screens.
    public var code: Character {
        switch self {
        case .normal: "."
        case .topBar: "T"
        case .tabActive: "A"
        case .tabInactive: "a"
        case .heading: "H"
        case .tableHeader: "h"
        case .selected: "S"
        case .group: "G"
        case .dim: "d"
        case .good: "g"
        case .warning: "w"
        case .bad: "x"
        case .banner: "B"
        case .footerKey: "K"
        case .footerLabel: "k"
        case .dialog: "D"
        case .dialogTitle: "t"
        case .danger: "R"
        case .dangerTitle: "r"
        case .button: "u"
        case .buttonFocused: "U"
        case .input: "I"
        case .inputError: "E"
        case .filter: "F"
        }
    }
}

/// Text attributes a cell may carry on top of its role's theme style.
public struct CellAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = CellAttributes(rawValue: 1)
    public static let underline = CellAttributes(rawValue: 2)
    public static let reverse = CellAttributes(rawValue: 4)
    public static let dim = CellAttributes(rawValue: 8)
}
