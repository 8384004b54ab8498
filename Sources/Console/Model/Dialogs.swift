import AccessPolicy
import MailgateAPI

/// A yes/no question before something destructive; focus starts on Cancel.
public struct ConfirmDialog: Hashable, Sendable {
    public enum Focus: Sendable { case cancel, confirm }
    public var title: String
    public var lines: [String]
    public var confirmLabel: String
    public var command: ConsoleCommand
    public var focus: Focus = .cancel

    public init(title: String, lines: [String], confirmLabel: String, command: ConsoleCommand) {
        self.title = title
        self.lines = lines
        self.confirmLabel = confirmLabel
        self.command = command
    }
}

/// The impact warning before any change that could cut clients off — enabling TCP Proxy,
/// a form save, a delete, turning a flag off, a blacklist entry: who would be refused, the
/// evidence, and the auto-revert, from the daemon's impact report. Focus starts on Cancel
/// and stays safe: Enter never applies; only the distinct key `E` does, once the report is shown.
public struct ImpactDialog: Hashable, Sendable {
    public enum Focus: Sendable { case cancel, apply }
    /// The write to send, acknowledged, on `E`.
    public var write: ListWrite
    /// Nil until the daemon has answered: applying waits for the evidence.
    public var report: ImpactReport?
    public var focus: Focus = .cancel
    /// Shown when someone presses Enter on the Apply button.
    public var hint: String?
    /// The form the write came from: Cancel goes back to it, with what was typed.
    public var form: EntryForm?

    public static let applyKey: Character = "E"

    public init(write: ListWrite, report: ImpactReport? = nil) {
        self.write = write
        self.report = report
    }

    public var canApply: Bool { report != nil }

    /// "enable TCP Proxy for 203.0.113.8?", "delete whitelist entry 192.0.2.0/24?", …
    public var title: String {
        if let report, report.enablesTCPProxy, case .update = write.action { return "enable TCP Proxy for \(write.source)?" }
        if report == nil, case .update(_, let draft) = write.action, draft.tcpProxy == true { return "enable TCP Proxy for \(write.source)?" }
        if case .add(let draft) = write.action, draft.tcpProxy == true { return "add \(write.source) as a load balancer (TCP Proxy on)?" }
        switch write.action {
        case .add: return "add \(write.list.rawValue) entry \(write.source)?"
        case .update: return "change \(write.list.rawValue) entry \(write.source)?"
        case .remove: return "delete \(write.list.rawValue) entry \(write.source)?"
        }
    }
}

/// What covers the current view, taking the keys first.
public enum Overlay: Hashable, Sendable {
    case confirm(ConfirmDialog)
    case impact(ImpactDialog)
    case form(EntryForm)
    /// A row shown whole (Enter); read-only unless `e` opens the form.
    case detail(DetailPanel)
}

/// A one-line message above the footer, gone after a few seconds.
public struct Notice: Hashable, Sendable {
    public var text: String
    public var isError: Bool

    public init(text: String, isError: Bool) {
        self.text = text
        self.isError = isError
    }
}
