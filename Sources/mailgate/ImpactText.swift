import AccessPolicy
import Foundation
import MailgateAPI

/// The impact of an edit as the CLI prints it on stderr before asking: the daemon's report
/// word for word, or, for a file edit, the blocks of addresses whose connections it refuses.
enum ImpactText {
    static func printWarning(_ report: ImpactReport) {
        let body = report.warning.map { "  " + $0 }.joined(separator: "\n")
        FileHandle.standardError.write(Data("WARNING: this change could cut clients off\n\(body)\n".utf8))
    }

    /// One line per block: "127.0.0.0–127.0.0.255 (256 addresses) on imap: direct → require-proxy-header".
    static func lines(_ changes: [DecisionChange]) -> [String] {
        changes.map { change in
            let block = change.low == change.high ? "\(change.low)" : "\(change.low)–\(change.high)"
            return "\(block) (\(change.addresses.words)) on \(change.service): \(change.before.rawValue) → \(change.after.rawValue)"
        }
    }
}
