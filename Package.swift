// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "mailgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mailgate", targets: ["mailgate"]),
        // Libraries for the benchmarks package (Benchmarks/Package.swift), which builds apart.
        .library(name: "NetAddress", targets: ["NetAddress"]),
        .library(name: "ProxyProtocol", targets: ["ProxyProtocol"]),
        .library(name: "AccessPolicy", targets: ["AccessPolicy"]),
        .library(name: "MailgateAPI", targets: ["MailgateAPI"]),
        .library(name: "Console", targets: ["Console"]),
        .library(name: "ConsoleFixture", targets: ["ConsoleFixture"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
    ],
    targets: [
        // IP addresses and endpoints: parsing, formatting, normalisation. Pure.
        .target(name: "NetAddress"),
        // PROXY protocol v1/v2 decode and encode. Pure, no I/O.
        .target(name: "ProxyProtocol", dependencies: ["NetAddress"]),
        // Entries, matcher, decisions, configuration and access files.
        .target(name: "AccessPolicy", dependencies: [
            "NetAddress",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // The control API's wire types: events, connection snapshots, the JSON bodies, the
        // endpoints. Shared by the gate (which emits events), the control server and its clients.
        .target(name: "MailgateAPI", dependencies: ["NetAddress", "AccessPolicy"]),
        // The connection state machine: events in, actions out. Pure, engine-neutral (no NIO).
        .target(name: "GateCore", dependencies: ["NetAddress", "ProxyProtocol", "AccessPolicy"]),
        // The SwiftNIO data path: drivers of GateCore's state machine, registry, events, metrics.
        .target(name: "Gate", dependencies: [
            "GateCore", "NetAddress", "ProxyProtocol", "AccessPolicy", "MailgateAPI",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
        ]),
        // An RFC 8259 syntax check for request bodies (Foundation's parser is lenient). Pure.
        .target(name: "StrictJSON"),
        // A plain connect() to a Unix socket (is a daemon there, and who), no HTTP.
        .target(name: "UnixSocket"),
        // The control API's server: the access store, pending changes, audit, the HTTP API on
        // Hummingbird, metrics, the socket guard.
        .target(name: "ControlServer", dependencies: [
            "AccessPolicy", "Gate", "MailgateAPI", "NetAddress", "ProxyProtocol", "StrictJSON", "UnixSocket",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The control API's client for the CLI and the console: HTTP/1.1 on NIO's codec (no TLS
        // library), the API types only.
        .target(name: "ControlClient", dependencies: [
            "MailgateAPI", "UnixSocket",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOFoundationCompat", package: "swift-nio"),
        ]),
        // ncurses (wide characters) for the console's one curses backend.
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncurses-dev"])]),
        // The console: terminal layer, widgets, views, actions, themes. Curses only in CursesBackend.
        .target(name: "Console", dependencies: ["CNCurses", "ControlClient", "MailgateAPI", "AccessPolicy", "NetAddress"]),
        // The console's sample daemon state, for `mailgate tui --fixture` and the golden screens.
        .target(name: "ConsoleFixture", dependencies: [
            "Console", "ControlServer", "ControlClient", "Gate", "MailgateAPI", "AccessPolicy", "NetAddress",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        // The composition root: the gate, the control API and the access-file watcher as one service group.
        .target(name: "Daemon", dependencies: [
            "AccessPolicy", "Gate", "ControlServer", "MailgateAPI",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        // `mailgate demo`: greeting upstreams, synthetic traffic, and a daemon with the console beside it.
        .target(name: "Demo", dependencies: [
            "Daemon", "Console", "Gate", "MailgateAPI", "AccessPolicy", "NetAddress", "ProxyProtocol",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // The executable: argument parsing, and the CLI's output.
        .executableTarget(name: "mailgate", dependencies: [
            "NetAddress", "ProxyProtocol", "AccessPolicy", "MailgateAPI", "Gate", "ControlServer", "ControlClient", "UnixSocket",
            "Console", "ConsoleFixture", "Daemon", "Demo",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // libFuzzer harness for the PROXY decoder; a stub unless built by scripts/fuzz.sh (-DFUZZING).
        .executableTarget(name: "ProxyDecoderFuzz", dependencies: ["ProxyProtocol", "NetAddress"],
                          path: "Fuzz/ProxyDecoderFuzz"),
        // The same for the control API's strict JSON check, against Foundation's parser.
        .executableTarget(name: "StrictJSONFuzz", dependencies: ["StrictJSON"], path: "Fuzz/StrictJSONFuzz"),

        // What the test targets share: waiting for a condition with a deadline, temporary folders.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "NetAddressTests", dependencies: ["NetAddress"]),
        .testTarget(name: "ProxyProtocolTests", dependencies: [
            "ProxyProtocol", "NetAddress",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "DaemonTests", dependencies: [
            "TestSupport",
            "Daemon", "Demo", "AccessPolicy", "NetAddress",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "AccessPolicyTests", dependencies: [
            "TestSupport",
            "AccessPolicy", "NetAddress",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "ConsoleTests", dependencies: [
            "Console", "ConsoleFixture", "ControlClient", "ControlServer", "MailgateAPI", "AccessPolicy", "Gate", "NetAddress",
        ],
                    exclude: ["Goldens"]),
        .testTarget(name: "ControlClientTests", dependencies: ["ControlClient", "MailgateAPI", "AccessPolicy", "NetAddress"]),
        .testTarget(name: "ControlServerTests", dependencies: [
            "TestSupport",
            "ControlServer", "ControlClient", "Gate", "MailgateAPI", "AccessPolicy", "NetAddress", "StrictJSON", "Demo",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .testTarget(name: "GateCoreTests", dependencies: ["GateCore", "AccessPolicy", "ProxyProtocol", "NetAddress"]),
        .testTarget(name: "GateTests", dependencies: [
            "TestSupport",
            "Gate", "GateCore", "MailgateAPI", "AccessPolicy", "ProxyProtocol", "NetAddress", "Demo",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ]),
    ]
)
