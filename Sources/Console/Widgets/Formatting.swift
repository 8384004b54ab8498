import Foundation

/// Short human forms of ages, sizes, rates and countdowns, as the tables show them.
enum Formatting {
    /// `42s`, `5m`, `3h12m`, `2d4h`.
    static func age(_ seconds: Double) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(s % 60 < 10 ? "0" : "")\(s % 60)s" }
        if s < 86400 { return "\(s / 3600)h\((s % 3600) / 60 < 10 ? "0" : "")\((s % 3600) / 60)m" }
        return "\(s / 86400)d\((s % 86400) / 3600)h"
    }

    /// `512B`, `1.5K`, `20M`.
    static func bytes(_ count: UInt64) -> String {
        let units = ["B", "K", "M", "G", "T"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(count)B" }
        return value < 10 ? String(format: "%.1f%@", value, units[unit]) : "\(Int(value))\(units[unit])"
    }

    /// `1:54` until a deadline, never negative.
    static func countdown(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded(.up)))
        return "\(s / 60):\(s % 60 < 10 ? "0" : "")\(s % 60)"
    }

    /// `1,234`.
    static func count<T: BinaryInteger>(_ n: T) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0, i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    /// `05:00:00Z`, the clock in the top bar (UTC, like the logs).
    static func clock(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02dZ", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// The text cut to `width` cells at a word boundary, ending in "…" when something was
    /// cut (mid-word only when the first word alone is too long).
    static func clipped(_ text: String, width: Int) -> String {
        guard text.cellWidth > width else { return text }
        guard width > 1 else { return String(repeating: "…", count: max(0, width)) }
        var kept = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let next = kept.isEmpty ? String(word) : kept + " " + word
            if next.cellWidth > width - 1 { break }
            kept = next
        }
        if kept.isEmpty { return text.truncated(to: width) }
        return kept.trimmingCharacters(in: CharacterSet(charactersIn: " ,;:")) + "…"
    }

    /// Words wrapped to at most `lines` lines; the last one clipped at a word boundary
    /// when the text needs more.
    static func wrap(_ text: String, width: Int, lines limit: Int) -> [String] {
        let all = wrap(text, width: width)
        guard all.count > limit, limit > 0 else { return all }
        let rest = all[(limit - 1)...].joined(separator: " ")
        return Array(all.prefix(limit - 1)) + [clipped(rest, width: width)]
    }

    /// Words wrapped to lines of at most `width` cells.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            if line.isEmpty { line = word }
            else if line.cellWidth + 1 + word.cellWidth <= width { line += " " + word }
            else { lines.append(line); line = word }
            while line.cellWidth > width {
                lines.append(String(line.prefix(width)))
                line = String(line.dropFirst(width))
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}
