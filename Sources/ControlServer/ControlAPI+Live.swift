import AccessPolicy
import Foundation
import Gate
import Hummingbird
import MailgateAPI
import NIOCore
import NIOPosix
import NetAddress
import Prometheus
import ProxyProtocol

/// Status, connections, events (recent and live), and `/metrics`.
extension ControlAPI {
    func status(_ request: Request, _ context: ControlContext) async throws -> Response {
        let snapshot = gate.registry.snapshot()
        // What the gate saw in the last 15 s (a client's connection or an earlier probe)
        // stands; the rest are probed, together, so a dead one costs one timeout, not one each.
        let health = gate.upstreams
        let reachability = await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, listener) in configuration.listeners.enumerated() {
                group.addTask {
                    if let seen = health.recent(listener.upstream.description, maxAge: Self.upstreamObservationLife) {
                        return (index, seen.reachable)
                    }
                    let up = await Self.reachable(listener.upstream, proxy: listener.upstreamProxy)
                    health.record(listener.upstream.description, reachable: up)
                    return (index, up)
                }
            }
            var results: [Int: Bool] = [:]
            for await (index, up) in group { results[index] = up }
            return results
        }
        let listeners = configuration.listeners.enumerated().map { index, listener in
            StatusResponse.Listener(service: listener.service, listen: listener.listen.map(\.description),
                                    upstream: listener.upstream.description, upstreamProxy: listener.upstreamProxy.rawValue,
                                    protocol: listener.replyProtocol.rawValue, upstreamReachable: reachability[index])
        }
        let grouped = ConnectionsResponse(grouping: snapshot)
        let counts = StatusResponse.Counts(
            open: snapshot.count,
            awaitingHeader: grouped.awaitingHeader.count,
            relayingDirect: grouped.direct.count,
            relayingProxied: grouped.proxied.count,
            acceptedTotal: gate.acceptedTotal, rejectedTotal: gate.rejectedTotal)
        let response = StatusResponse(version: version, started: started, uptimeSeconds: Date().timeIntervalSince(started),
                                      accessFile: configuration.accessFile, revision: store.current.revision,
                                      listeners: listeners, connections: counts, pendingChanges: store.pendingChanges,
                                      lastProxyHeader: gate.lastHeaders.withLock { $0 })
        return Self.json(response)
    }

    /// How long a connection seen made or refused answers for an upstream's reachability.
    static let upstreamObservationLife: Duration = .seconds(15)

    /// Whether a TCP connect to the upstream succeeds within 300 ms. An upstream that expects
    /// a PROXY header gets a LOCAL one (a health check, in the protocol's own words), so that
    /// it has no reason to log a broken header.
    static func reachable(_ endpoint: SocketEndpoint, proxy: UpstreamProxyMode) async -> Bool {
        let header: [UInt8]? = switch proxy {
        case .none: nil
        case .v1: ProxyHeader(version: .v1, command: .local).encoded()
        case .v2: ProxyHeader(version: .v2, command: .local).encoded()
        }
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(300))
                .connect(to: try endpoint.socketAddress()).get()
            if let header { try? await channel.writeAndFlush(ByteBuffer(bytes: header)) }
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }

    func connections(_ request: Request, _ context: ControlContext) throws -> Response {
        Self.json(ConnectionsResponse(grouping: gate.registry.snapshot()))
    }

    /// Recent events, oldest first (`limit` newest, default 1,000).
    func events(_ request: Request, _ context: ControlContext) throws -> Response {
        let filter = try EventFilter(request)
        let matching = gate.journal.recent(since: filter.since ?? 0).filter(filter.matches)
        return Self.json(EventsResponse(events: Array(matching.suffix(filter.limit ?? 1_000))))
    }

    /// Server-Sent Events: `id: <sequence>` and `data: <event JSON>` per event, a comment line
    /// as heartbeat. With `since=` the recent events after that sequence come first.
    func eventStream(_ request: Request, _ context: ControlContext) throws -> Response {
        let filter = try EventFilter(request)
        let (key, output, continuation) = streams.open()
        let live = gate.journal.subscribe()
        let backlog = filter.since.map { gate.journal.recent(since: $0) } ?? []
        let heartbeat = self.heartbeat
        let feeder = Task {
            var last: UInt64 = 0
            for event in backlog where filter.matches(event) {
                continuation.yield(Self.serverSentEvent(event))
                last = event.sequence
            }
            for await event in live where event.sequence > last && filter.matches(event) {
                continuation.yield(Self.serverSentEvent(event))
            }
            continuation.finish()
        }
        let beat = Task {
            while true {
                do { try await Task.sleep(for: heartbeat) } catch { return }
                continuation.yield(": heartbeat\n\n")
            }
        }
        let hub = streams
        continuation.onTermination = { _ in
            feeder.cancel()
            beat.cancel()
            hub.remove(key)
        }
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer { continuation.finish() }
            try await writer.write(ByteBuffer(string: ": mailgate event stream\n\n"))
            for await chunk in output {
                try await writer.write(ByteBuffer(string: chunk))
            }
            try await writer.finish(nil)
        })
    }

    static func serverSentEvent(_ event: Event) -> String {
        let data = (try? encoder.encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "id: \(event.sequence)\ndata: \(data)\n\n"
    }

    /// Prometheus text: the gate's counters and histogram, plus gauges read now.
    func metrics(_ request: Request, _ context: ControlContext) throws -> Response {
        let grouped = ConnectionsResponse(grouping: gate.registry.snapshot())
        let states: [(ConnectionState, String)] = [(.awaitingHeader, "awaiting-header"), (.relayingDirect, "relaying-direct"),
                                                    (.relayingProxied, "relaying-proxied")]
        // Named mailgate_connections and mailgate_pending_changes (empty parts are left out).
        let connections = MetricNameDescriptor(namespace: "mailgate", metricName: "connections", unitName: "",
                                               helpText: "Open connections by state")
        for (state, label) in states {
            prometheus.makeGauge(descriptor: connections, labels: [("state", label)])
                .set(Double(grouped[state].count))
        }
        let pending = MetricNameDescriptor(
            namespace: "mailgate", metricName: "pending", unitName: "changes",
            helpText: "Enabled tcp_proxy flags waiting for confirmation before they revert")
        prometheus.makeGauge(descriptor: pending).set(Double(store.pendingChanges.count))
        let text = prometheus.emitToString()
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
