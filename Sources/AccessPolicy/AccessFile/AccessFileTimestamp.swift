import Foundation
import TOMLKit

/// `created` / `updated` in the access file: written as TOML offset date-times in UTC to
/// the second (`2026-11-02T10:15:00Z`); read from a TOML date-time (one without an offset
/// is taken as UTC), a TOML date (midnight UTC) or an RFC 3339 string.
enum AccessFileTimestamp {
    static func render(_ date: Date) -> String {
        AccessEntry.timestamp(date).formatted(.iso8601)
    }

    static func date(from value: TOMLDateTime) -> Date? {
        let offsetSeconds = (value.offset?.offset ?? 0) * 60
        return utcDate(year: value.date.year, month: value.date.month, day: value.date.day,
                       hour: value.time.hour, minute: value.time.minute, second: value.time.second,
                       nanosecond: value.time.nanoSecond)?
            .addingTimeInterval(TimeInterval(-offsetSeconds))
    }

    static func date(from value: TOMLDate) -> Date? {
        utcDate(year: value.year, month: value.month, day: value.day, hour: 0, minute: 0, second: 0, nanosecond: 0)
    }

    /// `2026-11-02T10:15:00Z`, `2026-11-02T12:15:00+02:00`, with or without fractional seconds.
    static func date(rfc3339 text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    private static func utcDate(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int,
                                nanosecond: Int) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute,
                                        second: second, nanosecond: nanosecond)
        return calendar.date(from: components)
    }
}

extension AccessEntry {
    /// `date` as the access file keeps it: to the whole second. Stamp `created` and
    /// `updated` with this, so an entry saved and read back equals the one in memory.
    public static func timestamp(_ date: Date = Date()) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}
