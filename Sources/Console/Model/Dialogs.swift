import AccessPolicy
import Control

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

/// The TCP Proxy warning (DESIGN §7): scope, evidence, auto-revert. Focus starts on Cancel
/// and stays safe: Enter never enables; only the distinct key `E` does, once the evidence is shown.
public struct TCPProxyWarningDialog: Hashable, Sendable {
    public enum Focus: Sendable { case cancel, enable }
    public var entry: AccessEntry
    /// Nil until the daemon has answered: enabling waits for the evidence.
    public var report: ImpactReport?
    public var revision: String
    public var knownServices: [String]
    public var focus: Focus = .cancel
    /// Shown when someone presses Enter on the Enable button.
    public var hint: String?

    public static let enableKey: Character = "E"

    public var scope: String { report?.scope ?? TCPProxyWarning.scope(of: entry, services: knownServices) }
    public var canEnable: Bool { report != nil }
}

/// What covers the current view, taking the keys first.
public enum Overlay: Hashable, Sendable {
    case confirm(ConfirmDialog)
    case tcpProxyWarning(TCPProxyWarningDialog)
    case form(EntryForm)
}

/// A one-line message above the footer, gone after a few seconds.
public struct Notice: Hashable, Sendable {
    public var text: String
    public var isError: Bool
}
