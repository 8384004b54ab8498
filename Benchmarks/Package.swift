// swift-tools-version:6.2
// The benchmarks are a package of their own, so that `swift build` and `swift test` at the
// root build none of them. Build and run from here, in release:
//   swift run -c release --package-path Benchmarks MicroBench
// scripts/bench.sh builds LoadGen, Greeter and BareRelay from here and mailgate from the root.
import PackageDescription

let package = Package(
    name: "mailgate-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "mailgate", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        // Policy lookup and PROXY decode/encode, ns per operation.
        .executableTarget(name: "MicroBench", dependencies: [
            .product(name: "NetAddress", package: "mailgate"),
            .product(name: "ProxyProtocol", package: "mailgate"),
            .product(name: "AccessPolicy", package: "mailgate"),
        ], path: "MicroBench"),
        // Load generator for scripts/bench.sh: short sessions, bulk relay, idle connections.
        .executableTarget(name: "LoadGen", dependencies: [
            .product(name: "NetAddress", package: "mailgate"),
            .product(name: "ProxyProtocol", package: "mailgate"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ], path: "LoadGen"),
        // The console (mailgate tui) under a reject flood with 10,000 open connections, headless.
        .executableTarget(name: "ConsoleBench", dependencies: [
            .product(name: "Console", package: "mailgate"),
            .product(name: "ConsoleFixture", package: "mailgate"),
            .product(name: "MailgateAPI", package: "mailgate"),
            .product(name: "NetAddress", package: "mailgate"),
        ], path: "ConsoleBench"),
        // The upstream every proxy in the comparison talks to: greets, answers, echoes.
        .executableTarget(name: "Greeter", dependencies: [
            .product(name: "ProxyProtocol", package: "mailgate"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], path: "Greeter"),
        // Reference point: the least a SwiftNIO relay does per connection (no gate logic).
        .executableTarget(name: "BareRelay", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], path: "BareRelay"),
    ]
)
