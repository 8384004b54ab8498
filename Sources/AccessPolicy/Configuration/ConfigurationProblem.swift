/// One thing wrong with a configuration or access file, said where it is:
/// `mailgate.toml:14: listener "imap": upstream "127.0.0.1" is not an address:port`.
public struct ConfigurationProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file as it was named to the loader.
    public var file: String
    /// 1-based; nil when the problem is with the file as a whole or the line is not known.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { "\(file):\(line): \(message)" } else { "\(file): \(message)" }
    }
}

/// Every problem found while loading a file: loading goes on past the first one so an
/// administrator can fix them all in one edit.
public struct ConfigurationProblems: Error, Hashable, Sendable, CustomStringConvertible {
    /// In file order: problems without a line first, then by line.
    public var problems: [ConfigurationProblem]

    public init(_ problems: [ConfigurationProblem]) {
        self.problems = problems.enumerated().sorted { a, b in
            let (lineA, lineB) = (a.element.line ?? 0, b.element.line ?? 0)
            return lineA != lineB ? lineA < lineB : a.offset < b.offset
        }.map(\.element)
    }

    /// One problem a line, as `mailgate check` prints them.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
