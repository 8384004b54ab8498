import AccessPolicy
import ArgumentParser
import Control
import Foundation

/// One list edit through the daemon: read the revision, send the write with `If-Match`;
/// when it would turn `tcp_proxy` on, show the impact report and ask before resending it
/// acknowledged. Reports the pending change and how to confirm it.
struct AccessListAPIEdit {
    let socket: SocketOption
    let kind: ListKind
    let json: Bool
    let assumeYes: Bool

    enum Verb: String { case added, updated, removed }

    func apply(_ method: ControlClient.Method, path: String, body: EntryWriteRequest?, verb: Verb) async throws {
        let assumeYes = self.assumeYes
        let result = try await socket.withClient { client -> EntryWriteResponse in
            let list = try await client.call(AccessListResponse.self, .GET, "/v1/\(kind.rawValue)")
            var body = body
            let first = try await client.send(method, path, body: try body.map { try JSONEncoder().encode($0) }, ifMatch: list.revision)
            if first.status == 409, let refusal = try? JSONDecoder().decode(APIErrorBody.self, from: first.body),
               refusal.error.code == "acknowledge-impact-required", let impact = refusal.error.impact {
                FileHandle.standardError.write(Data(("WARNING\n" + impact.warning.map { "  " + $0 }.joined(separator: "\n") + "\n").utf8))
                guard assumeYes || Terminal.confirm("Enable TCP Proxy for \(impact.source)?") else {
                    Terminal.printError("not confirmed (use --yes to confirm non-interactively); nothing was changed")
                    throw ExitCode(1)
                }
                body?.acknowledgeImpact = true
                let second = try await client.send(method, path, body: try body.map { try JSONEncoder().encode($0) }, ifMatch: list.revision)
                return try ControlClient.decode(EntryWriteResponse.self, second)
            }
            return try ControlClient.decode(EntryWriteResponse.self, first)
        }
        if json {
            try Terminal.printJSON(result)
            return
        }
        let what = result.entry.map { "\($0.id) (\($0.source))" } ?? path.split(separator: "/").last.map(String.init) ?? ""
        print("\(verb.rawValue) \(kind.rawValue) entry \(what); revision \(result.revision)")
        if let change = result.pendingChange {
            print("pending change \(change.id): \(change.summary)")
            print("it reverts itself at \(change.deadline.formatted(.iso8601)) unless confirmed: mailgate confirm \(change.id)")
        }
    }
}

