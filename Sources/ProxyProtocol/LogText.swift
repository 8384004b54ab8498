/// Renders bytes and numbers for error reasons, so that hostile input stays one safe line.

/// Bytes as a double-quoted string: printable ASCII as is, everything else escaped.
/// Long input is cut, since a reason names a field, not the whole stream.
func quoted<C: Collection>(_ bytes: C, limit: Int = 48) -> String where C.Element == UInt8 {
    var text = "\""
    for byte in bytes.prefix(limit) {
        switch byte {
        case UInt8(ascii: "\""): text += "\\\""
        case UInt8(ascii: "\\"): text += "\\\\"
        case 0x0D: text += "\\r"
        case 0x0A: text += "\\n"
        case 0x09: text += "\\t"
        case 0x20...0x7E: text.unicodeScalars.append(Unicode.Scalar(byte))
        default: text += "\\x" + hexDigits(UInt64(byte), width: 2)
        }
    }
    if bytes.count > limit { text += "…" }
    return text + "\""
}

/// `0x0d`, `0x0002`, `0xe3069283`: the width follows the integer type.
func hex<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> String {
    "0x" + hexDigits(UInt64(value), width: T.bitWidth / 4)
}

private func hexDigits(_ value: UInt64, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
