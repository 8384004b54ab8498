extension String {
    /// This text as a TOML basic string: `"…"` with quotes, backslashes and control
    /// characters escaped; every other character (any Unicode) as it is.
    var tomlQuoted: String {
        var result = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{08}": result += "\\b"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\u{0C}": result += "\\f"
            case "\r": result += "\\r"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                result += "\\u" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
