import Testing
@testable import AccessPolicy

@Suite struct DurationParsingTests {
    @Test(arguments: [
        ("3s", Duration.seconds(3)), ("500ms", .milliseconds(500)), ("2m", .seconds(120)),
        ("1h", .seconds(3600)), ("120s", .seconds(120)), ("1m30s", .seconds(90)),
        ("1h2m3s4ms", .milliseconds(3_723_004)), ("0s", .zero), (" 10s ", .seconds(10)),
    ])
    func acceptedTextParses(text: String, expected: Duration) throws {
        #expect(try Duration(parsing: text) == expected)
    }

    @Test(arguments: [
        ("", "\"\" is not a duration: it is empty; write e.g. \"3s\", \"500ms\", \"2m\""),
        ("30", "\"30\" is not a duration: 30 has no unit; write e.g. \"30s\" (units: h, m, s, ms)"),
        ("3sec", "\"3sec\" is not a duration: unknown unit \"sec\" (units: h, m, s, ms)"),
        ("1.5s", "\"1.5s\" is not a duration: fractions are not supported; use a smaller unit, e.g. \"1500ms\" for 1.5s"),
        ("30s1m", "\"30s1m\" is not a duration: write units once each, largest first, e.g. \"1h30m\" or \"1m30s\""),
        ("s", "\"s\" is not a duration: expected a number at \"s\""),
        ("-3s", "\"-3s\" is not a duration: expected a number at \"-3s\""),
        ("3s!", "\"3s!\" is not a duration: expected a number at \"!\""),
        ("99999999999999999999h", "\"99999999999999999999h\" is not a duration: 99999999999999999999 is too large"),
        ("9999999999999h", "\"9999999999999h\" is not a duration: it is too large"),
    ])
    func refusedTextSaysWhy(text: String, message: String) throws {
        let error = try #require(throws: Duration.ParseError.self) { try Duration(parsing: text) }
        #expect(error.description == message)
    }
}
