// The gate in-process, configured like the benchmark's `mailgate.toml`, for as long as
// `mailgate serve --config` is not usable from this branch. Same `Gate` API the CLI uses.
//   GateBench --port P --upstream Q [--threads N] [--proxy-source 127.0.0.2]
import AccessPolicy
import Foundation
import Gate
import Logging
import NIOCore
import NIOPosix
import NetAddress

var port = 0
var upstream = 0
var threads = System.coreCount
var proxySource = "127.0.0.2"
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    let value = arguments.next()
    switch (argument, value) {
    case ("--port", let value?): port = Int(value) ?? 0
    case ("--upstream", let value?): upstream = Int(value) ?? 0
    case ("--threads", let value?): threads = Int(value) ?? threads
    case ("--proxy-source", let value?): proxySource = value
    default:
        FileHandle.standardError.write(Data("usage: GateBench --port P --upstream Q [--threads N] [--proxy-source A]\n".utf8))
        exit(2)
    }
}

let loopback = IPAddress.v4(0x7F00_0001)
let listener = ListenerConfiguration(
    service: "imap", listen: [SocketEndpoint(address: loopback, port: UInt16(port))],
    upstream: SocketEndpoint(address: loopback, port: UInt16(upstream)),
    upstreamProxy: .v2, proxyHeaderTimeout: .seconds(3))
let configuration = GateConfiguration(
    path: "bench.toml", accessFile: "access.toml", listeners: [listener],
    limits: ConnectionLimits(maxConnections: 50_000, maxPerSource: 1_000))
let proxy = AccessEntry(id: "lb", source: try AddressSource(parsing: proxySource), description: "benchmark load balancer",
                        services: .all, tcpProxy: true)
let policy = AccessPolicy(lists: AccessLists(whitelist: [proxy]), services: ["imap"])
var logger = Logger(label: "mailgate")
logger.logLevel = .notice
let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
let gate = Gate(configuration: configuration, policy: policy, logger: logger, group: group)
do {
    try await gate.start()
} catch {
    FileHandle.standardError.write(Data("GateBench: \(error)\n".utf8))
    exit(1)
}
FileHandle.standardOutput.write(Data("gate listening on \(gate.boundAddresses.map { "\($0)" }.joined(separator: ", ")) threads=\(threads)\n".utf8))
while true { try await Task.sleep(for: .seconds(3600)) }
