/// A row of block glyphs, one a value, scaled to the largest: a blank for nothing at all,
/// `▁` for the least that is not nothing, `█` for the peak.
enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func text(_ values: [Double], peak: Double? = nil) -> String {
        let top = peak ?? values.max() ?? 0
        return String(values.map { value -> Character in
            guard value > 0, top > 0 else { return " " }
            let level = Int((value / top * Double(blocks.count)).rounded(.up)) - 1
            return blocks[min(max(level, 0), blocks.count - 1)]
        })
    }

    /// `0.8/s`, `12/s`, `<0.1/s`.
    static func rate(_ perSecond: Double) -> String {
        if perSecond == 0 { return "0/s" }
        if perSecond < 0.1 { return "<0.1/s" }
        if perSecond < 10 { return String(format: "%.1f/s", perSecond) }
        return "\(Formatting.count(Int(perSecond.rounded())))/s"
    }
}
