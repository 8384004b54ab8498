/// How many terminal cells a grapheme takes: 2 for East Asian wide and emoji, 0 for
/// controls, else 1. A small table of the common wide blocks, independent of the locale
/// so headless renders are the same everywhere.
enum CharacterWidth {
    static func of(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if v < 0x1100 { return 1 }
        if character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        for range in wide where range.contains(v) { return 2 }
        return 1
    }

    private static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD,
    ]
}

extension String {
    /// Width in terminal cells.
    var cellWidth: Int { reduce(0) { $0 + CharacterWidth.of($1) } }

    /// The string cut to at most `width` cells, ending in "…" when something was cut.
    func truncated(to width: Int) -> String {
        guard width > 0 else { return "" }
        if cellWidth <= width { return self }
        var result = ""
        var used = 0
        for character in self {
            let w = CharacterWidth.of(character)
            if used + w > width - 1 { break }
            result.append(character)
            used += w
        }
        return result + "…"
    }

    /// Padded with spaces (or cut) to exactly `width` cells.
    func padded(to width: Int, alignRight: Bool = false) -> String {
        let text = truncated(to: width)
        let gap = String(repeating: " ", count: max(0, width - text.cellWidth))
        return alignRight ? gap + text : text + gap
    }
}
