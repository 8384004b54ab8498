import Foundation
import MailgateAPI
import Testing
@testable import ControlServer

/// `openapi.yaml`, the declared endpoints and the registered routes name the same methods
/// and paths, every way.
@Suite struct OpenAPIDocumentTests {
    static let methods: Set<String> = ["get", "put", "post", "patch", "delete"]

    /// (METHOD, path) pairs under `paths:`: a path at two spaces' indent, its methods at four.
    static func documentedRoutes() throws -> Set<String> {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("openapi.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        var routes: Set<String> = []
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty { inPaths = line == "paths:"; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /") && line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    ") && !line.hasPrefix("     "), let path {
                let key = line.dropFirst(4).prefix { $0 != ":" }
                if methods.contains(String(key)) { routes.insert("\(key.uppercased()) \(path)") }
            }
        }
        return routes
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws {
        let documented = try Self.documentedRoutes()
        let registered = Set(ControlAPI.routes.map(\.description))
        #expect(registered.count == ControlAPI.routes.count, "a route is registered twice")
        #expect(Set(Endpoints.all.map(\.description)) == registered, "declared in Endpoints but not registered, or the other way")
        #expect(Endpoints.all.count == registered.count, "an endpoint is declared twice")
        #expect(registered.subtracting(documented).sorted() == [], "registered but not in openapi.yaml")
        #expect(documented.subtracting(registered).sorted() == [], "in openapi.yaml but not registered")
        #expect(documented.count > 20)
    }
}
