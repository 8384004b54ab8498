import Foundation

/// A terminal colour as a theme names it: the terminal's default, one of the 8 basic
/// colours, a bright variant, or a 256-colour index.
public enum ThemeColor: Hashable, Sendable {
    case terminalDefault
    case indexed(Int)

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    init?(name: String) {
        let lower = name.lowercased()
        if lower == "default" || lower == "-" { self = .terminalDefault; return }
        if let index = Self.names.firstIndex(of: lower) { self = .indexed(index); return }
        if lower.hasPrefix("bright-"), let index = Self.names.firstIndex(of: String(lower.dropFirst(7))) {
            self = .indexed(index + 8); return
        }
        if let n = Int(lower), (0...255).contains(n) { self = .indexed(n); return }
        return nil
    }

    /// The colour number for a terminal with `available` colours (-1 is the default colour);
    /// bright and 256-colour indexes fall back to a basic colour on small terminals.
    public func number(available: Int) -> Int {
        switch self {
        case .terminalDefault: return -1
        case .indexed(let n):
            if n < available { return n }
            return n < 16 ? n - 8 : 7
        }
    }
}

/// How one role looks.
public struct ThemeStyle: Hashable, Sendable {
    public var foreground: ThemeColor
    public var background: ThemeColor
    public var attributes: CellAttributes

    public init(foreground: ThemeColor = .terminalDefault, background: ThemeColor = .terminalDefault,
                attributes: CellAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}

/// Colour roles mapped to styles, read from a `themes/*.theme` file (format in themes/README.md).
public struct Theme: Hashable, Sendable {
    public var name: String
    public var styles: [ColorRole: ThemeStyle]

    public func style(_ role: ColorRole) -> ThemeStyle { styles[role] ?? styles[.normal] ?? ThemeStyle() }

    /// Why a theme was refused, with the line at fault.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let file: String
        public let line: Int
        public let message: String
        public var description: String { line > 0 ? "\(file):\(line): \(message)" : "theme \(file): \(message)" }
    }

    /// Parses the theme format: `role  foreground  background  [attribute,…]`, `#` comments.
    public init(name: String, text: String, file: String = "<theme>") throws(Problem) {
        self.name = name
        styles = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if words.isEmpty { continue }
            func fail(_ message: String) -> Problem { Problem(file: file, line: index + 1, message: message) }
            guard let role = ColorRole(rawValue: words[0]) else {
                throw fail("unknown role \"\(words[0])\"; roles: \(ColorRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard words.count >= 3, words.count <= 4 else { throw fail("expected: role foreground background [attributes]") }
            guard let fg = ThemeColor(name: words[1]) else { throw fail("unknown colour \"\(words[1])\"") }
            guard let bg = ThemeColor(name: words[2]) else { throw fail("unknown colour \"\(words[2])\"") }
            var attributes: CellAttributes = []
            if words.count == 4, words[3] != "-" {
                for word in words[3].split(separator: ",") {
                    switch word {
                    case "bold": attributes.insert(.bold)
                    case "underline": attributes.insert(.underline)
                    case "reverse": attributes.insert(.reverse)
                    case "dim": attributes.insert(.dim)
                    default: throw fail("unknown attribute \"\(word)\"; use bold, underline, reverse, dim")
                    }
                }
            }
            styles[role] = ThemeStyle(foreground: fg, background: bg, attributes: attributes)
        }
        if styles[.normal] == nil { styles[.normal] = ThemeStyle() }
    }

    /// Where `--theme NAME|PATH` comes from: a path (contains "/" or ends ".theme") is read
    /// from disk; a name is one of the built-in themes. Without `--theme`, `NO_COLOR` (set,
    /// non-empty) means mono; a theme asked for by name wins over it.
    public static func load(_ nameOrPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> Theme {
        if nameOrPath == nil, let noColor = environment["NO_COLOR"], !noColor.isEmpty {
            return try Theme(name: "mono", text: BuiltinThemes.text["mono"]!)
        }
        let choice = nameOrPath ?? "default"
        if choice.contains("/") || choice.hasSuffix(".theme") {
            guard let text = try? String(contentsOfFile: choice, encoding: .utf8) else {
                throw Problem(file: choice, line: 0, message: "cannot read the theme file")
            }
            return try Theme(name: URL(fileURLWithPath: choice).deletingPathExtension().lastPathComponent, text: text, file: choice)
        }
        guard let text = BuiltinThemes.text[choice] else {
            throw Problem(file: choice, line: 0,
                          message: "no such theme; built in: \(BuiltinThemes.names.joined(separator: ", ")), or give a path to a .theme file")
        }
        return try Theme(name: choice, text: text, file: "themes/\(choice).theme")
    }
}
