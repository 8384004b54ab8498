/// One screen cell: a grapheme (empty for the right half of a wide character), its role
/// and extra attributes.
public struct Cell: Hashable, Sendable {
    public var text: String
    public var role: ColorRole
    public var attributes: CellAttributes

    public init(_ text: String = " ", role: ColorRole = .normal, attributes: CellAttributes = []) {
        self.text = text
        self.role = role
        self.attributes = attributes
    }

    /// True for the second cell of a wide character.
    public var isContinuation: Bool { text.isEmpty }
}

/// A rectangle of the screen, in cells.
public struct Rect: Hashable, Sendable {
    public var x, y, width, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    /// The rectangle `width`×`height` centred in this one (clamped to it).
    public func centred(width w: Int, height h: Int) -> Rect {
        let cw = min(w, width), ch = min(h, height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }

}

/// The whole screen as views draw it. Views draw only here; a backend flushes it.
public struct CellBuffer: Hashable, Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]
    /// What clicks mean where, in drawing order: what is drawn later (a dialog) lies on top.
    public private(set) var clickRegions: [ClickRegion] = []

    public init(width: Int, height: Int, fill: Cell = Cell()) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    public mutating func fill(_ rect: Rect, role: ColorRole, attributes: CellAttributes = []) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) {
                self[x, y] = Cell(" ", role: role, attributes: attributes)
            }
        }
    }

    /// Writes `text` from (x, y), clipped at `maxX` (default: the right edge). Wide characters
    /// take two cells; one that would straddle the edge is replaced by a space. Returns the x after the text.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, role: ColorRole, attributes: CellAttributes = [],
                               maxX: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let limit = min(maxX ?? width, width)
        var column = x
        for character in text {
            let w = CharacterWidth.of(character)
            if w == 0 { continue }
            if column + w > limit {
                if w == 2, column < limit, column >= 0 { self[column, y] = Cell(" ", role: role, attributes: attributes) }
                break
            }
            if column >= 0 {
                clearWideNeighbours(x: column, y: y, width: w)
                self[column, y] = Cell(String(character), role: role, attributes: attributes)
                if w == 2 { self[column + 1, y] = Cell("", role: role, attributes: attributes) }
            }
            column += w
        }
        return column
    }

    /// Overwriting half of a wide character blanks its other half, so no orphan halves remain.
    private mutating func clearWideNeighbours(x: Int, y: Int, width w: Int) {
        if self[x, y].isContinuation, x > 0 { self[x - 1, y].text = " " }
        let after = x + w
        if after < self.width, self[after, y].isContinuation { self[after, y].text = " " }
    }

    /// The lines of a box border: single for ordinary boxes, double for warnings, so a
    /// warning looks unlike any other box even without colour.
    public enum BoxLines: Sendable {
        case single, double
        var glyphs: (h: String, v: String, tl: String, tr: String, bl: String, br: String) {
            switch self {
            case .single: ("─", "│", "┌", "┐", "└", "┘")
            case .double: ("═", "║", "╔", "╗", "╚", "╝")
            }
        }
    }

    /// Draws a box border.
    public mutating func box(_ rect: Rect, role: ColorRole, attributes: CellAttributes = [], lines: BoxLines = .single) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let g = lines.glyphs
        let horizontal = String(repeating: g.h, count: rect.width - 2)
        write(g.tl + horizontal + g.tr, x: rect.x, y: rect.y, role: role, attributes: attributes)
        write(g.bl + horizontal + g.br, x: rect.x, y: rect.maxY - 1, role: role, attributes: attributes)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            write(g.v, x: rect.x, y: y, role: role, attributes: attributes)
            write(g.v, x: rect.maxX - 1, y: y, role: role, attributes: attributes)
        }
    }

    /// Registers what a click inside `rect` means (clipped to the screen).
    public mutating func clickable(_ rect: Rect, _ target: ClickTarget) {
        guard rect.width > 0, rect.height > 0 else { return }
        clickRegions.append(ClickRegion(rect: rect, target: target))
    }

    /// What a click at (x, y) lands on: the topmost region there, or nil.
    public func target(atX x: Int, y: Int) -> ClickTarget? {
        clickRegions.last { x >= $0.rect.x && x < $0.rect.maxX && y >= $0.rect.y && y < $0.rect.maxY }?.target
    }

    /// The screen as text, one line per row, trailing spaces kept (fixed width).
    public var textLines: [String] {
        (0..<height).map { y in
            (0..<width).reduce(into: "") { line, x in line += self[x, y].text }
        }
    }

    /// The screen as role codes, one character per cell (see `ColorRole.code`).
    public var roleLines: [String] {
        (0..<height).map { y in String((0..<width).map { self[$0, y].role.code }) }
    }
}
