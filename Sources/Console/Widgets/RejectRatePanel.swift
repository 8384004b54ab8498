import AccessPolicy
import Foundation

/// The lines above the Rejects table: the total rate over the last minute and a sparkline
/// of rejects per second over the last five minutes, then the same for each reason (the
/// most frequent first, on the total's scale so the bars compare).
struct RejectRatePanel {
    var activity: RejectActivity
    var now: Date
    /// At most this many reason lines.
    var maxReasons = 3

    /// How many lines it takes.
    var height: Int { 1 + min(maxReasons, activity.reasons.count) }

    func render(into buffer: inout CellBuffer, _ rect: Rect) {
        let labelWidth = min(38, max(24, rect.width / 3))
        let rateWidth = 8
        let minutes = RejectActivity.windowSeconds / 60
        let legendWidth = 20
        let cells = max(10, rect.width - labelWidth - rateWidth - legendWidth - 4)
        let bucketSeconds = max(1, Int((Double(RejectActivity.windowSeconds) / Double(cells)).rounded(.up)))
        let buckets = RejectActivity.windowSeconds / bucketSeconds
        let total = activity.series(now: now, buckets: buckets, bucketSeconds: bucketSeconds)
        let peak = total.max() ?? 0

        func line(_ y: Int, _ label: String, _ role: ColorRole, _ reason: RejectReason?, legend: String) {
            guard y < rect.maxY else { return }
            var x = buffer.write(label.padded(to: labelWidth, alignRight: false), x: rect.x, y: y, role: role, maxX: rect.x + labelWidth)
            x = buffer.write(Sparkline.rate(activity.rate(now: now, reason: reason)).padded(to: rateWidth, alignRight: true), x: x, y: y, role: .normal)
            x = buffer.write(" ▕", x: x, y: y, role: .dim)
            let values = reason.map { activity.series(now: now, buckets: buckets, bucketSeconds: bucketSeconds, reason: $0) } ?? total
            x = buffer.write(Sparkline.text(values, peak: peak), x: x, y: y, role: role == .bad ? .bad : .good)
            x = buffer.write("▏", x: x, y: y, role: .dim)
            buffer.write(legend, x: x + 1, y: y, role: .dim, maxX: rect.maxX)
        }
        let peakWords = peak > 0 ? "peak \(Sparkline.rate(peak))" : "none"
        line(rect.y, "Rate, last minute (all)", .heading, nil, legend: "\(minutes) min · \(peakWords)")
        for (i, reason) in activity.reasons.prefix(maxReasons).enumerated() {
            line(rect.y + 1 + i, "  ✗ " + reason.rawValue, .bad, reason, legend: i == 0 ? "\(bucketSeconds) s a bar" : i == 1 ? "rows re-sort each \(Int(RejectActivity.resortSeconds)) s" : "")
        }
    }
}
