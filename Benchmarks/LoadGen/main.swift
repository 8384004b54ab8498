// Load generator for scripts/bench.sh (release build: `swift run -c release LoadGen --help`).
// Modes: `short` mail-like sessions (conn/s, connect-to-greeting p50/p99), `bulk` echo
// streaming through the proxy (MB/s), `idle` connections held open (the script reads the
// proxy's memory meanwhile). Prints a human line on stderr and one JSON line on stdout.
import Foundation
import NIOCore
import NIOPosix

let options: Options
do {
    options = try Options(CommandLine.arguments)
} catch {
    FileHandle.standardError.write(Data("LoadGen: \(error)\n\(Options.usage)\n".utf8))
    exit(2)
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
let setup = try ClientSetup(options: options)
let report: Report
switch options.mode {
case .short: report = try ShortSessions.run(options: options, setup: setup, group: group)
case .bulk: report = try BulkRelay.run(options: options, setup: setup, group: group)
case .idle: report = try IdleConnections.run(options: options, setup: setup, group: group)
}
try group.syncShutdownGracefully()
FileHandle.standardError.write(Data("LoadGen: \(report.text)\n".utf8))
print(report.jsonLine)
