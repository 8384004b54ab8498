// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "mailgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mailgate", targets: ["mailgate"]),
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
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
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
        // The SwiftNIO data path.
        .target(name: "Gate", dependencies: [
            "NetAddress", "ProxyProtocol", "AccessPolicy",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
        ]),
        // An RFC 8259 syntax check for request bodies (Foundation's parser is lenient). Pure.
        .target(name: "StrictJSON"),
        // The control API: its JSON types, server and client (HTTP/1.1 on NIO's codec, no TLS library).
        .target(name: "Control", dependencies: [
            "AccessPolicy", "Gate", "NetAddress", "ProxyProtocol", "StrictJSON",
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
        // ncurses (wide characters) for the console's one curses backend.
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncurses-dev"])]),
        // The console: terminal layer, widgets, views, actions, themes. Curses only in CursesBackend.
        .target(name: "Console", dependencies: ["CNCurses", "Control", "AccessPolicy", "Gate", "NetAddress"]),
        .executableTarget(name: "mailgate", dependencies: [
            "NetAddress", "ProxyProtocol", "AccessPolicy", "Gate", "Control", "Console",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .executableTarget(name: "MicroBench", dependencies: [
            "NetAddress", "ProxyProtocol", "AccessPolicy",
        ], path: "Benchmarks/MicroBench"),
        // Load generator for scripts/bench.sh: short sessions, bulk relay, idle connections.
        .executableTarget(name: "LoadGen", dependencies: [
            "NetAddress", "ProxyProtocol",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ], path: "Benchmarks/LoadGen"),
        // The console under a reject flood with 10,000 open connections (headless).
        .executableTarget(name: "ConsoleBench", dependencies: [
            "Console", "Control", "Gate", "NetAddress",
        ], path: "Benchmarks/ConsoleBench"),
        // The upstream every proxy in the comparison talks to: greets, answers, echoes.
        .executableTarget(name: "Greeter", dependencies: [
            "ProxyProtocol",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], path: "Benchmarks/Greeter"),
        // Reference point: the least a SwiftNIO relay does per connection (no gate logic).
        .executableTarget(name: "BareRelay", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], path: "Benchmarks/BareRelay"),

        // libFuzzer harness for the PROXY decoder; a stub unless built by scripts/fuzz.sh (-DFUZZING).
        .executableTarget(name: "ProxyDecoderFuzz", dependencies: ["ProxyProtocol", "NetAddress"],
                          path: "Fuzz/ProxyDecoderFuzz"),
        // The same for the control API's strict JSON check, against Foundation's parser.
        .executableTarget(name: "StrictJSONFuzz", dependencies: ["StrictJSON"], path: "Fuzz/StrictJSONFuzz"),

        .testTarget(name: "NetAddressTests", dependencies: ["NetAddress"]),
        .testTarget(name: "ProxyProtocolTests", dependencies: [
            "ProxyProtocol", "NetAddress",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "AccessPolicyTests", dependencies: [
            "AccessPolicy", "NetAddress",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "Control", "AccessPolicy", "Gate", "NetAddress"],
                    exclude: ["Goldens"]),
        .testTarget(name: "ControlTests", dependencies: [
            "Control", "Gate", "AccessPolicy", "NetAddress", "StrictJSON",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .testTarget(name: "GateTests", dependencies: [
            "Gate", "AccessPolicy", "ProxyProtocol", "NetAddress",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
    ]
)
