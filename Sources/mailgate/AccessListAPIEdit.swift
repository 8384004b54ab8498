import AccessPolicy
import ArgumentParser
import Control
import Foundation

/// One list edit through the daemon: read the revision, send the write with `If-Match`;
/// when the daemon answers with an impact report (the edit could cut clients off), print it
/// and ask before resending it acknowledged. Reports the pending change and how to confirm it.
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
            if first.status == 409, let refusal = ControlClient.errorBody(first),
               refusal.error.code == "acknowledge-impact-required", let impact = refusal.error.impact {
                ImpactText.printWarning(impact)
                guard assumeYes || Terminal.confirm("Apply this change?") else {
                    Terminal.printError("not confirmed (use --yes to confirm non-interactively); nothing was changed")
                    throw ExitCode(1)
                }
                body?.acknowledgeImpact = true
                let acknowledgedPath = method == .DELETE ? path + "?acknowledge_impact=true" : path
                let second = try await client.send(method, acknowledgedPath, body: try body.map { try JSONEncoder().encode($0) },
                                                   ifMatch: list.revision)
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

