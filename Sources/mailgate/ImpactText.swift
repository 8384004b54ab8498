import Foundation
import MailgateAPI

/// The daemon's impact report as the CLI prints it on stderr before asking, word for word.
enum ImpactText {
    static func printWarning(_ report: ImpactReport) {
        let body = report.warning.map { "  " + $0 }.joined(separator: "\n")
        FileHandle.standardError.write(Data("WARNING: this change could cut clients off\n\(body)\n".utf8))
    }
}
