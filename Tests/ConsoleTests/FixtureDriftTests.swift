import AccessPolicy
import ControlClient
import Foundation
import MailgateAPI
import Testing
@testable import Console
@testable import ConsoleFixture

/// The golden screens run on `FixtureDaemon`, a synchronous stand-in for the daemon. These
/// tests put it beside the real control API serving the same sample site (`FixtureServer`,
/// read through the real client) and require the same answers, so that the stand-in cannot
/// drift from what the daemon does.
@Suite("The golden screens' fixture answers as the real control API does", .serialized)
struct FixtureDriftTests {
    /// A whole second: the wire's ISO 8601 times carry no fraction.
    static var now: Date { Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)) }

    func withBoth(_ body: (FixtureDaemon, ControlClient) async throws -> Void) async throws {
        let now = Self.now
        let server = try await FixtureServer.start(now: now)
        do {
            try await ControlClient.with(socketPath: server.socketPath) { try await body(FixtureDaemon(now: now), $0) }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func theListsConnectionsAndEventsAreTheDaemons() async throws {
        try await withBoth { daemon, client in
            for kind in ListKind.allCases {
                #expect(try await client.call(Endpoints.list(kind)).entries == daemon.lists[kind])
            }
            func rows(_ groups: ConnectionsResponse) -> [String] {
                (groups.proxied + groups.direct + groups.awaitingHeader).map {
                    "\($0.service) \($0.peer) \($0.realClient?.description ?? "direct") entry \($0.entryID ?? "none") \($0.state)"
                }.sorted()
            }
            #expect(rows(try await client.call(Endpoints.connections)) == rows(daemon.connections))
            let events = try await client.call(Endpoints.events, query: [URLQueryItem(name: "limit", value: "1000")]).events
            #expect(events == daemon.events)
        }
    }

    /// The edits the golden screens make: the impact the daemon reports is the fixture's.
    @Test(arguments: [
        ListWrite(list: .whitelist, action: .update(entryID: "w1f00d002", EntryDraft(tcpProxy: true)), revision: "", source: "203.0.113.8"),
        ListWrite(list: .whitelist, action: .remove(entryID: "w1f00d001"), revision: "", source: "203.0.113.7"),
        ListWrite(list: .blacklist, action: .add(EntryDraft(source: "192.0.2.44")), revision: "", source: "192.0.2.44"),
    ])
    func theImpactReportIsTheDaemons(write: ListWrite) async throws {
        try await withBoth { daemon, client in
            var write = write
            let list = try await client.call(Endpoints.list(write.list))
            write.revision = list.revision
            let request = try #require(ConsoleSession.request(for: .write(write)))
            let reply = try await client.send(request.method, request.path, body: try request.body.map { try JSONEncoder().encode($0) },
                                              ifMatch: request.ifMatch)
            let refusal = try #require(ControlClient.errorBody(reply))
            #expect(refusal.error.code == .acknowledgeImpactRequired)
            let real = try #require(refusal.error.impact)

            var daemon = daemon
            var model = ConsoleModel(now: Self.now, link: .fixture)
            daemon.load(into: &model)
            write.revision = daemon.revision
            daemon.perform(.write(write), model: &model)
            guard case .impact(let dialog)? = model.overlay else {
                Issue.record("the fixture applied a write the daemon asks to acknowledge")
                return
            }
            let fixture = try #require(dialog.report)
            #expect(fixture.warning == real.warning)
            #expect(fixture.affected == real.affected)
            #expect(fixture.requiresAcknowledgement == real.requiresAcknowledgement)
        }
    }

    @Test func severalChangesMayBePendingAtOnce() async throws {
        try await withBoth { daemon, client in
            var revision = try await client.call(Endpoints.list(.whitelist)).revision
            let flag = EntryWriteRequest(tcpProxy: true, acknowledgeImpact: true)
            revision = try await client.call(Endpoints.updateEntry(.whitelist), id: "w1f00d002", body: flag, ifMatch: revision).revision
            let block = EntryWriteRequest(source: "192.0.2.44", acknowledgeImpact: true)
            _ = try await client.call(Endpoints.addEntry(.blacklist), body: block, ifMatch: revision)
            let pending = try await client.call(Endpoints.changes).changes.filter { $0.state == .pending }
            #expect(pending.count == 2)

            var daemon = daemon
            var model = ConsoleModel(now: Self.now, link: .fixture)
            daemon.load(into: &model)
            let lb2 = ListWrite(list: .whitelist, action: .update(entryID: "w1f00d002", EntryDraft(tcpProxy: true)),
                                revision: daemon.revision, source: "203.0.113.8")
            daemon.perform(.acknowledgedWrite(lb2), model: &model)
            let office = ListWrite(list: .blacklist, action: .add(EntryDraft(source: "192.0.2.44")), revision: daemon.revision,
                                   source: "192.0.2.44")
            daemon.perform(.acknowledgedWrite(office), model: &model)
            #expect(daemon.pending.map(\.info.summary).sorted() == pending.map(\.summary).sorted())
        }
    }
}
