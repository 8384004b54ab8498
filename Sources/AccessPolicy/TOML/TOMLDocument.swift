import TOMLKit

/// A TOML file being loaded: TOMLKit's parse of it, the line index that places its
/// values, and the problems found so far. Loading reports into it and carries on, so
/// that every problem is found in one pass; `finish()` throws them all.
final class TOMLDocument {
    let file: String
    let root: TOMLTable
    let lines: TOMLLineIndex
    private(set) var problems: [ConfigurationProblem] = []

    /// Parses `text`; a syntax error is the one problem reported (TOMLKit stops at the first).
    init(text: String, file: String) throws(ConfigurationProblems) {
        self.file = file
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line > 0 ? error.source.begin.line : nil
            throw ConfigurationProblems([ConfigurationProblem(file: file, line: line, message: error.description)])
        } catch {
            throw ConfigurationProblems([ConfigurationProblem(file: file, message: "\(error)")])
        }
        lines = TOMLLineIndex(text: text).checked(against: root)
    }

    /// Records a problem at the line of `path` (no line when the index does not know it).
    func report(_ message: String, at path: TOMLPath?) {
        problems.append(ConfigurationProblem(file: file, line: path.flatMap { lines.line(of: $0) }, message: message))
    }

    /// The top-level table, for reading.
    var rootSection: TOMLSection {
        TOMLSection(table: root, path: .root, label: "", document: self)
    }

    /// Throws every problem reported, if there were any.
    func finish() throws(ConfigurationProblems) {
        if !problems.isEmpty { throw ConfigurationProblems(problems) }
    }
}
