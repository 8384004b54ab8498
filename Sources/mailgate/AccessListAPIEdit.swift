import AccessPolicy
import ArgumentParser
import ControlClient
import Foundation
import MailgateAPI

/// One list edit through the daemon: read the revision, send the write with `If-Match`;
/// when the daemon answers with an impact report (the edit could cut clients off), print it
/// and ask before resending it acknowledged. Reports the pending change and how to confirm it.
struct AccessListAPIEdit {
    let socket: SocketOption
    let kind: ListKind
    let json: Bool
    let assumeYes: Bool

    /// The edit: a new entry, the fields of an entry (named by id or source) that change, or its removal.
    enum Write {
        case add(EntryWriteRequest)
        case update(String, EntryWriteRequest)
        case remove(String)

        var verb: String {
            switch self {
            case .add: "added"
            case .update: "updated"
            case .remove: "removed"
            }
        }

        var named: String? {
            switch self {
            case .add: nil
            case .update(let entry, _), .remove(let entry): entry
            }
        }
    }

    func apply(_ write: Write) async throws {
        let assumeYes = self.assumeYes
        let kind = self.kind
        let result = try await socket.withClient { client -> EntryWriteResponse in
            let list = try await client.call(Endpoints.list(kind))
            func send(acknowledged: Bool) async throws -> ControlClient.Reply {
                let acknowledge: Bool? = acknowledged ? true : nil
                switch write {
                case .add(var body):
                    body.acknowledgeImpact = acknowledge
                    return try await client.send(Endpoints.addEntry(kind), body: body, ifMatch: list.revision)
                case .update(let entry, var body):
                    body.acknowledgeImpact = acknowledge
                    return try await client.send(Endpoints.updateEntry(kind), id: entry, body: body, ifMatch: list.revision)
                case .remove(let entry):
                    let query = acknowledged ? [URLQueryItem(name: "acknowledge_impact", value: "true")] : []
                    return try await client.send(Endpoints.removeEntry(kind), id: entry, query: query, ifMatch: list.revision)
                }
            }
            let first = try await send(acknowledged: false)
            if first.status == 409, let refusal = ControlClient.errorBody(first),
               refusal.error.code == .acknowledgeImpactRequired, let impact = refusal.error.impact {
                ImpactText.printWarning(impact)
                guard assumeYes || Terminal.confirm("Apply this change?") else {
                    Terminal.printError("not confirmed (use --yes to confirm non-interactively); nothing was changed")
                    throw ExitCode(1)
                }
                return try ControlClient.decode(EntryWriteResponse.self, try await send(acknowledged: true))
            }
            return try ControlClient.decode(EntryWriteResponse.self, first)
        }
        if json {
            try Terminal.printJSON(result)
            return
        }
        let what = result.entry.map { "\($0.id) (\($0.source))" } ?? write.named ?? ""
        print("\(write.verb) \(kind.rawValue) entry \(what); revision \(result.revision)")
        if let change = result.pendingChange {
            print("pending change \(change.id): \(change.summary)")
            print("it reverts itself at \(change.deadline.formatted(.iso8601)) unless confirmed: mailgate confirm \(change.id)")
        }
    }
}

