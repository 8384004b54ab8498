import AccessPolicy
import ArgumentParser
import ControlClient
import Foundation
import MailgateAPI
import UnixSocket

/// `mailgate doctor`: checks a deployment and says what to fix, one line each.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a deployment: upstreams and their PROXY mode, descriptors, the control socket, entries.",
        discussion: """
            Each line is ok, info, WARNING or PROBLEM, with what to fix. Exit 0 when nothing is a
            problem, 1 otherwise. Talks to the running daemon through [control] socket when it can.
            """)

    @OptionGroup var config: ConfigOption
    @Flag(help: "Print the findings as JSON (for monitoring).") var json = false

    struct Report: Codable {
        var findings: [DoctorFinding]
        var problems: Int
        var warnings: Int
    }

    func run() async throws {
        let (configuration, lists) = try config.loadWithLists()
        let checks = DeploymentChecks(configuration: configuration, lists: lists)
        var findings = [DoctorFinding(check: "config", level: .ok,
                                      message: "\(configuration.path) and \(configuration.accessFile) are valid (mailgate check)")]
        findings += checks.upstreams()
        findings += checks.coverage()
        findings += checks.wideFlags()
        findings.append(checks.controlSocket())
        let socket = configuration.control.socket
        let status = try? await ControlClient.with(socketPath: socket) { try await $0.call(Endpoints.status) }
        if let status {
            findings.append(DoctorFinding(check: "daemon", level: .ok, message: "daemon \(status.version) answers on \(socket), up \(Int(status.uptimeSeconds / 60)) min"))
            findings.append(checks.descriptors(softLimit: UnixSocket.peerProcess(socket).flatMap(DaemonProcess.openFilesLimit)))
            findings += checks.unusedFlags(status: status)
        } else {
            findings.append(DoctorFinding(check: "daemon", level: .problem,
                                          message: "no daemon answers on \(socket): start it (systemctl start mailgate, or mailgate serve --config \(configuration.path)); its descriptor limit and flags' use are not checked"))
        }
        let report = Report(findings: findings, problems: findings.filter { $0.level == .problem }.count,
                            warnings: findings.filter { $0.level == .warning }.count)
        if json {
            try Terminal.printJSON(report)
        } else {
            for finding in findings { print(finding.line) }
            print("\(report.problems) problem(s), \(report.warnings) warning(s)")
        }
        if report.problems > 0 { throw ExitCode(1) }
    }
}

/// The daemon's process, as the kernel knows it.
enum DaemonProcess {
    /// The soft "Max open files" of a process, from /proc.
    static func openFilesLimit(pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("Max open files") {
            let fields = line.dropFirst("Max open files".count).split(separator: " ")
            return fields.first.flatMap { Int($0) }
        }
        return nil
    }
}
