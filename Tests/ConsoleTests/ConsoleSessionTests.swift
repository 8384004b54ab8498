import AccessPolicy
import ControlClient
import Foundation
import MailgateAPI
import Testing
@testable import Console

@Suite("The live session turns the model's commands into control-API requests and explains a lost link")
struct ConsoleSessionTests {
    @Test func onlyTheImpactDialogAcknowledgesAWrite() {
        let write = ListWrite(list: .whitelist, action: .update(entryID: "wl-7", EntryDraft(tcpProxy: true)), revision: "r42", source: "x")
        #expect(ConsoleSession.request(for: .write(write)) == ConsoleSession.Request(
            method: .PATCH, path: "/v1/whitelist/wl-7", body: EntryWriteRequest(tcpProxy: true), ifMatch: "r42"))
        #expect(ConsoleSession.request(for: .acknowledgedWrite(write)) == ConsoleSession.Request(
            method: .PATCH, path: "/v1/whitelist/wl-7", body: EntryWriteRequest(tcpProxy: true, acknowledgeImpact: true), ifMatch: "r42"))
    }

    @Test func everyCommandHasItsRequest() {
        #expect(ConsoleSession.request(for: .confirmChange(id: "chg-1")) == .init(method: .POST, path: "/v1/changes/chg-1/confirm"))
        #expect(ConsoleSession.request(for: .revertChange(id: "chg-1")) == .init(method: .POST, path: "/v1/changes/chg-1/revert"))
        let delete = ListWrite(list: .blacklist, action: .remove(entryID: "bl 1"), revision: "r3", source: "x")
        #expect(ConsoleSession.request(for: .write(delete)) == .init(method: .DELETE, path: "/v1/blacklist/bl%201", ifMatch: "r3"))
        #expect(ConsoleSession.request(for: .acknowledgedWrite(delete))?.path == "/v1/blacklist/bl%201?acknowledge_impact=true")
        let add = ConsoleSession.request(for: .write(ListWrite(list: .whitelist, action: .add(EntryDraft(source: "192.0.2.1", services: ["imap"])),
                                                               revision: "r3", source: "192.0.2.1")))
        #expect(add?.method == .POST && add?.path == "/v1/whitelist" && add?.body?.source == "192.0.2.1" && add?.ifMatch == "r3")
        #expect(add?.body?.acknowledgeImpact == nil)
        #expect(ConsoleSession.request(for: .quit) == nil)
    }

    @Test func aMissingSocketOrAPlainFileIsNamed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("console-session-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let failure = ControlClient.Failure.unreachable(socket: "x", reason: "no such socket")
        #expect(ConsoleSession.errnoCode(for: failure, socket: directory.appendingPathComponent("none.sock").path) == ENOENT)
        let file = directory.appendingPathComponent("file")
        try Data().write(to: file)
        #expect(ConsoleSession.errnoCode(for: failure, socket: file.path) == ENOTSOCK)
    }

    @Test func withoutADaemonTheModelSaysSoInWordsAndKeepsTrying() async throws {
        let path = "/nonexistent-\(getpid())/control.sock"
        let session = ConsoleSession(socketPath: path)
        let follower = Task {
            try await ControlClient.with(socketPath: path) { client in await session.follow(client) }
        }
        defer { follower.cancel() }
        var model = ConsoleModel(now: Date())
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            session.drain(into: &model)
            if case .failed = model.link { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(model.link == .failed(problem: "no control socket at \(path)",
                                      fix: "Is the daemon running? Start it (mailgate serve --config FILE), or give --socket PATH."))
    }

    @Test func aCommandWithoutALinkIsRefusedOnScreen() {
        let session = ConsoleSession(socketPath: "/nonexistent/control.sock")
        session.perform(.confirmChange(id: "chg-1"))
        var model = ConsoleModel(now: Date())
        session.drain(into: &model)
        #expect(model.notice?.isError == true)
        session.requestStop()
        session.drain(into: &model)
        #expect(model.quitRequested)
    }
}

@Suite("The event stream is the one trigger for fetching again")
struct StreamFollowUpTests {
    func event(_ sequence: UInt64, _ kind: GateEvent.Kind) -> Event {
        Event(sequence: sequence, GateEvent(kind: kind, connection: ConnectionID(sequence)))
    }

    func event(_ sequence: UInt64, _ kind: ControlEvent.Kind) -> Event {
        Event(sequence: sequence, ControlEvent(kind: kind))
    }

    @Test func aConfigEventReloadsTheListsOnce() {
        #expect(StreamFollowUp.after(event(8, ControlEvent.Kind.configChanged), previous: 7) == .lists)
        #expect(StreamFollowUp.after(event(8, ControlEvent.Kind.changeReverted), previous: 7) == .lists)
    }

    @Test func connectionEventsFetchNothing() {
        for kind in [GateEvent.Kind.accepted, .proxied, .rejected, .closed] {
            #expect(StreamFollowUp.after(event(8, kind), previous: 7) == .nothing)
        }
        #expect(StreamFollowUp.after(event(1, GateEvent.Kind.accepted), previous: 0) == .nothing)
    }

    @Test func aGapInTheSequenceFetchesEverythingAgain() {
        #expect(StreamFollowUp.after(event(12, GateEvent.Kind.accepted), previous: 7) == .everything)
        #expect(StreamFollowUp.after(event(12, ControlEvent.Kind.configChanged), previous: 7) == .everything)
    }
}
