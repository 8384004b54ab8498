import TOMLKit

/// One table of a file being loaded, with typed reads of its keys. A read that finds the
/// wrong type reports it (naming the key, the type wanted and the value found) and
/// returns nil, so the caller just goes on.
struct TOMLSection {
    let table: TOMLTable
    let path: TOMLPath
    /// Names the table in messages: `[control]`, `listener "imap"`; empty at the top level.
    var label: String
    let document: TOMLDocument

    /// Reports a problem at the line of `key`, or of the table itself when `key` is nil.
    func report(_ message: String, key: String? = nil) {
        report(message, at: key.map { path.appending($0) } ?? path)
    }

    func report(_ message: String, at path: TOMLPath) {
        document.report(label.isEmpty ? message : "\(label): \(message)", at: path)
    }

    func has(_ key: String) -> Bool { table[key] != nil }

    func value(_ key: String) -> (any TOMLValueConvertible)? { table[key] }

    /// Reports that `key` is missing, with what it is for.
    func reportMissing(_ key: String, _ what: String) {
        report("\(key) is required (\(what))")
    }

    /// Reports `key` holding the wrong type of value.
    func reportType(_ key: String, expected: String, found value: any TOMLValueConvertible, at path: TOMLPath? = nil) {
        report("\(key) must be \(expected), not \(TOMLSection.describe(value))", at: path ?? self.path.appending(key))
    }

    // MARK: Scalars

    func string(_ key: String, expected: String = "a string") -> String? {
        guard let value = value(key) else { return nil }
        guard let string = value.string else { reportType(key, expected: expected, found: value); return nil }
        return string
    }

    func bool(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let bool = value.bool else { reportType(key, expected: "true or false", found: value); return nil }
        return bool
    }

    /// An integer above zero.
    func positiveInteger(_ key: String) -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.int else { reportType(key, expected: "a positive integer", found: value); return nil }
        guard number > 0 else { report("\(key) must be a positive integer, not \(number)", key: key); return nil }
        return number
    }

    /// A duration string such as `"3s"`; zero is refused unless `allowZero`.
    func duration(_ key: String, allowZero: Bool = false) -> Duration? {
        guard let text = string(key, expected: "a duration string like \"3s\", \"500ms\" or \"2m\"") else { return nil }
        do {
            let duration = try Duration(parsing: text)
            if duration == .zero && !allowZero {
                report("\(key) must be longer than zero, not \"\(text)\"", key: key)
                return nil
            }
            return duration
        } catch {
            report("\(key) \(error.description)", key: key)
            return nil
        }
    }

    /// An enumeration written as one of its raw values.
    func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, of _: Choice.Type) -> Choice?
    where Choice.RawValue == String {
        let names = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard let text = string(key, expected: "one of \(names)") else { return nil }
        guard let choice = Choice(rawValue: text) else {
            report("\(key) must be one of \(names), not \(text.tomlQuoted)", key: key)
            return nil
        }
        return choice
    }

    // MARK: Arrays and tables

    /// An array of strings, each with its own path (arrays may span lines).
    func stringArray(_ key: String, expected: String = "an array of strings") -> [(text: String, path: TOMLPath)]? {
        guard let value = value(key) else { return nil }
        guard let array = value.array else { reportType(key, expected: expected, found: value); return nil }
        var strings: [(String, TOMLPath)] = []
        for (position, element) in array.enumerated() {
            let elementPath = path.appending(key).appending(index: position)
            guard let text = element.string else {
                reportType(key, expected: expected, found: element, at: elementPath)
                return nil
            }
            strings.append((text, elementPath))
        }
        return strings
    }

    /// The table under `key` (`[name]` or an inline table), labelled for messages.
    func table(_ key: String, label: String) -> TOMLSection? {
        guard let value = value(key) else { return nil }
        guard let table = value.table else {
            reportType(key, expected: "a table ([\(key)])", found: value)
            return nil
        }
        return TOMLSection(table: table, path: path.appending(key), label: label, document: document)
    }

    /// The elements of an array of tables (`[[name]]`), labelled by their 1-based position
    /// (`name N` unless told otherwise).
    func arrayOfTables(_ key: String, label: ((Int) -> String)? = nil) -> [TOMLSection]? {
        guard let value = value(key) else { return nil }
        let expected = "an array of tables ([[\(key)]])"
        guard let array = value.array else { reportType(key, expected: expected, found: value); return nil }
        var sections: [TOMLSection] = []
        for (position, element) in array.enumerated() {
            let elementPath = path.appending(key).appending(index: position)
            guard let table = element.table else {
                reportType(key, expected: expected, found: element, at: elementPath)
                continue
            }
            sections.append(TOMLSection(table: table, path: elementPath, label: label?(position + 1) ?? "\(key) \(position + 1)",
                                        document: document))
        }
        return sections
    }

    // MARK: Unknown keys

    /// Reports every key not in `known`, suggesting the nearest known one.
    func rejectUnknownKeys(known: [String]) {
        for key in table.keys.sorted() where !known.contains(key) {
            let value = table[key]
            let isArrayOfTables = value?.array.map { !$0.isEmpty && $0.allSatisfy { $0.type == .table } } ?? false
            let (open, close) = value?.type == .table ? ("[", "]") : isArrayOfTables ? ("[[", "]]") : ("", "")
            let written = open.isEmpty ? "key \(TOMLPath([.key(key)]))" : "table \(open)\(path.appending(key))\(close)"
            let suggestion = closestSpelling(of: key, among: known).map { " (did you mean \(open)\($0)\(close)?)" }
                ?? " (known keys: \(known.joined(separator: ", ")))"
            report("unknown \(written)\(suggestion)", key: key)
        }
    }

    // MARK: Describing values

    /// A value as shown in a message: its type and (shortened) text, e.g. `integer 120`.
    static func describe(_ value: any TOMLValueConvertible) -> String {
        switch value.type {
        case .string: return "string \((value.string ?? "").tomlQuoted.shortened)"
        case .int: return "integer \(value.int.map(String.init) ?? "")"
        case .double: return "float \(value.double.map { "\($0)" } ?? "")"
        case .bool: return "boolean \(value.bool.map { "\($0)" } ?? "")"
        case .date: return "date \(value.debugDescription)"
        case .time: return "time \(value.debugDescription)"
        case .dateTime: return "date-time \(value.debugDescription)"
        case .array: return "array \(value.debugDescription.shortened)"
        case .table: return "a table"
        }
    }
}

private extension String {
    var shortened: String { count <= 60 ? self : prefix(57) + "..." }
}
