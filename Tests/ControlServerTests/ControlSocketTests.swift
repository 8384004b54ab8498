import ControlServer
import Foundation
import Logging
import Testing
@testable import ControlServer

/// The control socket's file: its mode, a live daemon's socket left alone, a stale one replaced.
@Suite struct ControlSocketTests {
    @Test func theSocketIsGroupReadWriteOnlyAndGoneAfterStop() async throws {
        var path = ""
        try await withControl { f in
            path = f.socket
            let attributes = try FileManager.default.attributesOfItem(atPath: f.socket)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o660)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aLiveDaemonsSocketIsNotTakenOver() async throws {
        try await withControl { f in
            let second = ControlServer(api: f.server.api, logger: Logger(label: "second"))
            await #expect(throws: ControlServer.StartError.self) { try await second.start() }
            let reply = try await f.send(.GET, "/v1/status")
            #expect(reply.status == 200)
        }
    }

    @Test func theSocketIsGivenToTheConfiguredGroupWhichMustExist() async throws {
        try await withControl { f in
            var configuration = f.configuration
            configuration.control.socket = f.folder + "/other.sock"
            configuration.control.group = "root"
            let api = ControlAPI(configuration: configuration, store: f.store, gate: f.gate.state, version: "test",
                                 prometheus: f.server.api.prometheus)
            let server = ControlServer(api: api, logger: Logger(label: "grouped"))
            try await server.start()
            let attributes = try FileManager.default.attributesOfItem(atPath: configuration.control.socket)
            #expect((attributes[.groupOwnerAccountID] as? NSNumber)?.intValue == 0)
            await server.stop()

            configuration.control.group = "no-such-group-mailgate"
            let refused = ControlServer(api: ControlAPI(configuration: configuration, store: f.store, gate: f.gate.state,
                                                        version: "test", prometheus: f.server.api.prometheus),
                                        logger: Logger(label: "refused"))
            let error = await #expect(throws: ControlServer.StartError.self) { try await refused.start() }
            #expect(error?.description.contains("does not exist") == true)
        }
    }

    @Test func aStaleSocketFileIsReplaced() async throws {
        try await withControl(beforeStart: { path in
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            makeStaleSocket(at: path)
            #expect(FileManager.default.fileExists(atPath: path) && !SocketGuard.answers(path))
        }) { f in
            let reply = try await f.send(.GET, "/v1/status")
            #expect(reply.status == 200)
        }
    }
}

/// A socket file nobody listens on any more, as a crashed daemon leaves it.
func makeStaleSocket(at path: String) {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
    }
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    close(fd)
}
