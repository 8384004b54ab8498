import Foundation
import NetAddress

/// Reading `mailgate.toml` into a validated `GateConfiguration`.
extension GateConfiguration {
    /// Reads and validates the configuration file at `path`. Every problem found is
    /// thrown together, each as `FILE:LINE: message`.
    public static func load(path: String) throws(ConfigurationProblems) -> GateConfiguration {
        let text: String
        do { text = try FileText.contents(of: path) } catch { throw ConfigurationProblems([error]) }
        return try parse(text, path: path)
    }

    /// Validates configuration text as if read from `path` (which names the file in
    /// messages and anchors relative paths).
    public static func parse(_ text: String, path: String) throws(ConfigurationProblems) -> GateConfiguration {
        let document = try TOMLDocument(text: text, file: path)
        let top = document.rootSection
        top.rejectUnknownKeys(known: ["access_file", "shutdown_grace", "control", "listener", "limits"])
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path

        var accessFile: String?
        if let text = top.string("access_file", expected: "a file path string") {
            if text.isEmpty {
                top.report("access_file is empty; name the whitelist/blacklist file, e.g. \"access.toml\"", key: "access_file")
            } else {
                accessFile = resolve(text, against: folder)
            }
        } else if !top.has("access_file") {
            top.reportMissing("access_file", "the whitelist/blacklist file, e.g. access_file = \"access.toml\"")
        }
        let shutdownGrace = top.duration("shutdown_grace", allowZero: true) ?? .seconds(10)
        let control = readControl(top, folder: folder)
        let limits = readLimits(top)
        let listeners = ListenerReader(top: top).readAll()

        try document.finish()
        return GateConfiguration(path: path, accessFile: accessFile ?? "", control: control,
                                 listeners: listeners, limits: limits, shutdownGrace: shutdownGrace)
    }

    private static func readControl(_ top: TOMLSection, folder: String) -> ControlConfiguration {
        var control = ControlConfiguration()
        guard let section = top.table("control", label: "[control]") else { return control }
        section.rejectUnknownKeys(known: ["socket", "group", "revert_after", "audit_log"])
        if let socket = section.string("socket", expected: "a file path string") {
            if socket.isEmpty {
                section.report("socket is empty; name the control socket, e.g. \"/run/mailgate/control.sock\"", key: "socket")
            } else {
                control.socket = resolve(socket, against: folder)
            }
        }
        if let group = section.string("group", expected: "a group name string") {
            if group.isEmpty { section.report("group is empty; leave it out to keep the socket's default group", key: "group") }
            else { control.group = group }
        }
        if let revertAfter = section.duration("revert_after") { control.revertAfter = revertAfter }
        if let auditLog = section.string("audit_log", expected: "a file path string") {
            if auditLog.isEmpty {
                section.report("audit_log is empty; leave it out for audit.log beside the access file", key: "audit_log")
            } else {
                control.auditLog = resolve(auditLog, against: folder)
            }
        }
        return control
    }

    private static func readLimits(_ top: TOMLSection) -> ConnectionLimits {
        var limits = ConnectionLimits()
        guard let section = top.table("limits", label: "[limits]") else { return limits }
        section.rejectUnknownKeys(known: ["max_connections", "max_per_source"])
        if let value = section.positiveInteger("max_connections") { limits.maxConnections = value }
        if let value = section.positiveInteger("max_per_source") { limits.maxPerSource = value }
        return limits
    }

    /// Absolute paths as they are; relative ones from `folder`.
    static func resolve(_ path: String, against folder: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: folder, isDirectory: true))
            .standardizedFileURL.path
    }
}
