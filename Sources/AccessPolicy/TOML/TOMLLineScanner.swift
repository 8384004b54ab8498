/// Builds a `TOMLLineIndex` in one pass over the text's bytes. Tolerant: on text that is
/// not valid TOML it still ends (every step consumes at least one byte), it just indexes less.
struct TOMLLineScanner {
    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var currentTable = 0
    private(set) var index = TOMLLineIndex()

    init(text: String) {
        bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    mutating func scanDocument() {
        while true {
            skipBlank(acrossLines: true)
            guard let byte = peek() else { return }
            let start = position
            if byte == UInt8(ascii: "[") {
                scanHeader()
            } else {
                scanKeyValue(in: currentTable)
            }
            skipToEndOfLine()
            if position == start { advance() }
        }
    }

    // MARK: Statements

    /// `[a.b]` or `[[a.b]]`: resolves the path (through the last element of any array of
    /// tables on the way) and makes it the table later keys go into.
    private mutating func scanHeader() {
        let headerLine = line
        advance()
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { advance() }
        let keys = scanKey()
        skipBlank(acrossLines: false)
        guard !keys.isEmpty, peek() == UInt8(ascii: "]") else { return }
        advance()
        if isArray {
            guard peek() == UInt8(ascii: "]") else { return }
            advance()
        }
        var node = 0
        for (position, key) in keys.enumerated() {
            let isLast = position == keys.count - 1
            node = child(of: node, key: key, line: headerLine, kind: isLast && isArray ? .array : .table)
            if isLast && isArray {
                index.nodes[node].isArrayOfTables = true
                let element = appendElement(to: node, line: headerLine)
                index.nodes[element].kind = .table
                node = element
            } else if index.nodes[node].isArrayOfTables, let last = index.nodes[node].elements.last {
                node = last
            }
        }
        if !isArray {
            index.nodes[node].line = headerLine  // an explicit header wins over an implied table
        }
        currentTable = node
    }

    /// `key = value` (the key may be dotted) inside the table node `table`.
    private mutating func scanKeyValue(in table: Int) {
        let keyLine = line
        let keys = scanKey()
        skipBlank(acrossLines: false)
        guard !keys.isEmpty, peek() == UInt8(ascii: "=") else { return }
        advance()
        skipBlank(acrossLines: false)
        var node = table
        for (position, key) in keys.enumerated() {
            let isLast = position == keys.count - 1
            node = child(of: node, key: key, line: keyLine, kind: isLast ? .value : .table)
        }
        index.nodes[node].line = keyLine
        scanValue(into: node)
    }

    // MARK: Values

    private mutating func scanValue(into node: Int) {
        guard let byte = peek() else { return }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            skipString()
        case UInt8(ascii: "["):
            scanArray(into: node)
        case UInt8(ascii: "{"):
            scanInlineTable(into: node)
        default:
            // Numbers, booleans, dates (a date may hold one space): up to a delimiter.
            while let byte = peek(), !Self.valueEnd.contains(byte) { advance() }
        }
    }

    private static let valueEnd: Set<UInt8> = Set(",]}#\r\n".utf8)

    private mutating func scanArray(into node: Int) {
        index.nodes[node].kind = .array
        advance()
        while true {
            skipBlank(acrossLines: true)
            guard let byte = peek() else { return }
            if byte == UInt8(ascii: "]") { advance(); return }
            if byte == UInt8(ascii: ",") { advance(); continue }
            let element = appendElement(to: node, line: line)
            let start = position
            scanValue(into: element)
            if position == start { advance() }
        }
    }

    private mutating func scanInlineTable(into node: Int) {
        index.nodes[node].kind = .table
        advance()
        while true {
            skipBlank(acrossLines: true)
            guard let byte = peek() else { return }
            if byte == UInt8(ascii: "}") { advance(); return }
            if byte == UInt8(ascii: ",") { advance(); continue }
            let start = position
            scanKeyValue(in: node)
            if position == start { advance() }
        }
    }

    // MARK: Keys

    /// A bare, quoted or dotted key, decoded into its parts; empty when there is none here.
    private mutating func scanKey() -> [String] {
        var keys: [String] = []
        while true {
            skipBlank(acrossLines: false)
            guard let byte = peek() else { break }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                let start = position
                skipString()
                keys.append(Self.decodeQuotedKey(bytes[start..<position]))
            } else if byte.isBareKeyByte {
                let start = position
                while let byte = peek(), byte.isBareKeyByte { advance() }
                keys.append(String(decoding: bytes[start..<position], as: UTF8.self))
            } else {
                break
            }
            skipBlank(acrossLines: false)
            guard peek() == UInt8(ascii: ".") else { break }
            advance()
        }
        return keys
    }

    /// The text of a one-line quoted key, quotes removed and (for `"…"`) escapes applied.
    static func decodeQuotedKey(_ quoted: ArraySlice<UInt8>) -> String {
        guard let quote = quoted.first, quoted.count >= 2 else { return "" }
        let body = quoted.dropFirst().dropLast()
        if quote == UInt8(ascii: "'") { return String(decoding: body, as: UTF8.self) }
        var result: [UInt8] = []
        var i = body.startIndex
        while i < body.endIndex {
            let byte = body[i]
            i += 1
            guard byte == UInt8(ascii: "\\"), i < body.endIndex else { result.append(byte); continue }
            let escape = body[i]
            i += 1
            switch escape {
            case UInt8(ascii: "b"): result.append(0x08)
            case UInt8(ascii: "t"): result.append(0x09)
            case UInt8(ascii: "n"): result.append(0x0A)
            case UInt8(ascii: "f"): result.append(0x0C)
            case UInt8(ascii: "r"): result.append(0x0D)
            case UInt8(ascii: "e"): result.append(0x1B)
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let width = escape == UInt8(ascii: "u") ? 4 : 8
                let end = min(i + width, body.endIndex)
                let hex = String(decoding: body[i..<end], as: UTF8.self)
                i = end
                if let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) {
                    result.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
            default: result.append(escape)  // \" and \\
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    // MARK: Strings, blanks, comments

    /// Skips any string at the current position: `"…"`, `'…'`, `"""…"""`, `'''…'''`.
    private mutating func skipString() {
        guard let quote = peek() else { return }
        let escapes = quote == UInt8(ascii: "\"")
        let multiLine = peek(1) == quote && peek(2) == quote
        advance(by: multiLine ? 3 : 1)
        while let byte = peek() {
            if escapes && byte == UInt8(ascii: "\\") {
                advance(by: 2)
            } else if byte == quote {
                if !multiLine { advance(); return }
                if peek(1) == quote && peek(2) == quote {
                    // A closing delimiter may be preceded by up to two quotes of content.
                    var run = 0
                    while peek() == quote && run < 5 { advance(); run += 1 }
                    return
                }
                advance()
            } else if byte == UInt8(ascii: "\n") && !multiLine {
                return  // unterminated: stop at the line's end
            } else {
                advance()
            }
        }
    }

    /// Spaces and tabs; with `acrossLines`, also line ends and comments.
    private mutating func skipBlank(acrossLines: Bool) {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                advance()
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: "#"):
                guard acrossLines else { return }
                if byte == UInt8(ascii: "#") { skipComment() } else { advance() }
            default:
                return
            }
        }
    }

    private mutating func skipComment() {
        while let byte = peek(), byte != UInt8(ascii: "\n") { advance() }
    }

    /// After a statement: a comment may follow; anything else is not TOML and is skipped.
    private mutating func skipToEndOfLine() {
        skipComment()
    }

    // MARK: Nodes

    private mutating func child(of parent: Int, key: String, line: Int, kind: TOMLLineIndex.Node.Kind) -> Int {
        if let existing = index.nodes[parent].keys[key] { return existing }
        index.nodes.append(TOMLLineIndex.Node(kind: kind, line: line))
        let created = index.nodes.count - 1
        index.nodes[parent].keys[key] = created
        return created
    }

    private mutating func appendElement(to array: Int, line: Int) -> Int {
        index.nodes.append(TOMLLineIndex.Node(kind: .value, line: line))
        let created = index.nodes.count - 1
        index.nodes[array].elements.append(created)
        return created
    }

    // MARK: Bytes

    private func peek(_ offset: Int = 0) -> UInt8? {
        position + offset < bytes.count ? bytes[position + offset] : nil
    }

    private mutating func advance(by count: Int = 1) {
        for _ in 0..<count where position < bytes.count {
            if bytes[position] == UInt8(ascii: "\n") { line += 1 }
            position += 1
        }
    }
}
