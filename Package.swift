// swift-tools-version:6.0
import Foundation
import PackageDescription

let package = Package(
    name: "CloudSandbox",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "CloudSandbox", targets: ["CloudSandbox"]),
        .library(name: "MySQLWire", targets: ["MySQLWire"]),
        .library(name: "MySQLNIO", targets: ["MySQLNIO"]),
        .library(name: "ScriptedMySQL", targets: ["ScriptedMySQL"]),
        .library(name: "MariaDBClient", targets: ["MariaDBClient"]),
        .library(name: "AWSSigV4", targets: ["AWSSigV4"]),
        .library(name: "IAMPolicy", targets: ["IAMPolicy"]),
        .library(name: "AWSCore", targets: ["AWSCore"]),
        .library(name: "FakeAWS", targets: ["FakeAWS"]),
        .library(name: "VirtualNetwork", targets: ["VirtualNetwork"]),
        .library(name: "RDSProxy", targets: ["RDSProxy"]),
        .library(name: "Lambda", targets: ["Lambda"]),
        .library(name: "LambdaDatabase", targets: ["LambdaDatabase"]),
        .library(name: "APIGateway", targets: ["APIGateway"]),
        .library(name: "TemplateImport", targets: ["TemplateImport"]),
        .library(name: "SandboxAudit", targets: ["SandboxAudit"]),
        .library(name: "SandboxScenarios", targets: ["SandboxScenarios"]),
        .library(name: "SandboxTesting", targets: ["SandboxTesting"]),
        .executable(name: "sandbox", targets: ["sandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        // JSONValue: the one JSON value type of the package (events, payloads, policy documents, control answers). No I/O.
        .target(name: "SandboxJSON"),
        // RedactedWhenRendered: types that hold secrets render them as <redacted> (print, dump, logs, XCTest). No I/O.
        .target(name: "SandboxRedaction"),
        // MySQL protocol: packets, messages, auth-plugin math and both connection state machines. No sockets.
        .target(name: "MySQLWire", dependencies: [
            "SandboxRedaction",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        // What every server needs to run as a swift-service-lifecycle Service: readiness, deadlines, and running one on its own.
        .target(name: "SandboxLifecycle", dependencies: [
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "HeapModule", package: "swift-collections"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // SigV4: canonical requests, signing, presigning, verification, RDS IAM auth tokens. No I/O.
        .target(name: "AWSSigV4", dependencies: [
            "SandboxRedaction",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        // IAM policy documents, matching, conditions and evaluation with the deciding statements. No I/O.
        .target(name: "IAMPolicy", dependencies: ["SandboxJSON"]),
        // What every fake AWS service shares, with no HTTP server: the account's state and resources, callers,
        // the error catalogue, authenticated requests and the REST service protocol.
        .target(name: "AWSCore", dependencies: [
            "AWSSigV4", "IAMPolicy", "SandboxAudit", "SandboxJSON", "SandboxRedaction",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Serving HTTP as a sandbox Service: a Hummingbird listener that binds in run(), and connection-closing answers.
        .target(name: "SandboxHTTP", dependencies: [
            "SandboxLifecycle",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // The AWS endpoint: one SigV4-verified HTTP listener dispatching to IAM, STS, KMS, Secrets Manager, RDS and the REST services.
        .target(name: "FakeAWS", dependencies: [
            "AWSCore", "SandboxHTTP", "SandboxLifecycle", "AWSSigV4", "SandboxAudit",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // In-memory certificate authorities and leaf certificates for every TLS endpoint of a sandbox.
        .target(name: "SandboxPKI", dependencies: [
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // SwiftNIO handlers that run the MySQLWire state machines: server listener and async client.
        .target(name: "MySQLNIO", dependencies: [
            "MySQLWire",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // The scripted MySQL backend: users, SQLite-backed SQL, scripted rules, query log, limits.
        .target(name: "ScriptedMySQL", dependencies: [
            "SandboxLifecycle", "MySQLWire", "MySQLNIO", "CSQLite", "SandboxAudit", "SandboxRedaction",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),
        // A thin Swift wrapper over MariaDB Connector/C: the independent real client.
        .target(name: "MariaDBClient", dependencies: ["CMariaDB", "SandboxRedaction"]),
        // The virtual VPC: subnets, security groups, ACLs, ENIs on loopback aliases, enforcement on accept, reachability, toxics.
        .target(name: "VirtualNetwork", dependencies: [
            "SandboxAudit", "SandboxJSON",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The RDS Proxy data plane: client auth (IAM tokens, secrets), the backend pool, pinning, target health.
        .target(name: "RDSProxy", dependencies: [
            "SandboxLifecycle", "MySQLWire", "MySQLNIO", "AWSCore", "AWSSigV4", "SandboxAudit", "SandboxRedaction",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Lambda: functions (Swift closures, built-in handlers, Runtime API processes), instances, concurrency, timeouts, the REST API.
        // The C source of the library preloaded into process functions (names, ports, source addresses) is a
        // resource, compiled on first use into a per-user cache (PreloadLibrary), so dependents need no build step.
        .target(name: "Lambda", dependencies: [
            "SandboxLifecycle", "AWSCore", "SandboxHTTP", "SandboxJSON", "AWSSigV4", "IAMPolicy", "SandboxAudit",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], resources: [.copy("RuntimeAPI/Preload/SandboxPreload.c")]),
        // Functions' database clients: `context.database` (connect from the function's ENI with an IAM token or a
        // password, TLS verified) and the built-in SQL function that runs on it.
        .target(name: "LambdaDatabase", dependencies: [
            "Lambda", "MySQLNIO", "MySQLWire",
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // API Gateway HTTP APIs: routes, payload formats 1.0/2.0, a listener per API, the apigatewayv2 read API.
        .target(name: "APIGateway", dependencies: [
            "SandboxLifecycle", "Lambda", "AWSCore", "SandboxHTTP", "AWSSigV4", "SandboxAudit",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The audit log: every decision in SQLite (in memory, or a file the sqlite3 CLI reads), fed by Logger.decide,
        // written in batches by its service.
        .target(name: "SandboxAudit", dependencies: [
            "CSQLite", "SandboxJSON", "SandboxRedaction",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // A sandbox's topology, with no server: the model, its YAML loader, validation (errors name the YAML path),
        // the network plan and reachability questions, and the graph `sandbox graph` draws.
        .target(name: "SandboxTopology", dependencies: [
            "AWSCore", "AWSSigV4", "SandboxJSON", "MySQLWire", "IAMPolicy", "VirtualNetwork", "SandboxRedaction",
            .product(name: "Yams", package: "Yams"),
        ]),
        // Aurora-style clusters on the data plane: which member writes, failover (proxies hold, a reader is promoted,
        // the old writer comes back as a reader), replication with lag, and what the cluster names resolve to.
        .target(name: "ClusterFailover", dependencies: [
            "SandboxTopology", "AWSCore", "RDSProxy", "ScriptedMySQL", "SandboxAudit", "VirtualNetwork",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // The composition root: the runtime that starts a topology's servers, the endpoints file, the control APIs.
        .target(name: "CloudSandbox", dependencies: [
            "SandboxTopology", "ClusterFailover", "SandboxLifecycle", "SandboxAudit", "SandboxJSON", "Lambda", "LambdaDatabase", "APIGateway", "ScriptedMySQL", "MySQLWire", "MySQLNIO", "SandboxPKI", "AWSCore", "FakeAWS", "AWSSigV4", "VirtualNetwork", "RDSProxy",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // CloudFormation/SAM templates (intrinsics, nested stacks) and Terraform JSON into a topology; `sandbox up PATH` tells them apart.
        .target(name: "TemplateImport", dependencies: [
            "SandboxTopology", "AWSCore", "SandboxJSON", "VirtualNetwork",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // Clients against a running sandbox (a login as a role, a route), probes, and the misconfiguration catalog with its runner.
        .target(name: "SandboxScenarios", dependencies: [
            "CloudSandbox", "TemplateImport", "MariaDBClient", "AWSSigV4", "Lambda", "AWSCore", "SandboxJSON", "VirtualNetwork", "MySQLNIO", "MySQLWire", "SandboxRedaction",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "sandbox", dependencies: [
            "CloudSandbox", "SandboxJSON", "SandboxScenarios", "TemplateImport", "MariaDBClient", "AWSSigV4", "SandboxRedaction",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Helpers for tests (ours and users'): a throwaway real MariaDB server, a seeded random generator, subprocesses.
        // For tests of this stack: a sandbox per test, assertions that carry the sandbox's explanation, failover workloads.
        .target(name: "SandboxTesting", dependencies: ["CloudSandbox", "SandboxScenarios", "TemplateImport", "AWSCore", "Lambda", "ScriptedMySQL", "VirtualNetwork", "SandboxPKI", "MariaDBClient",
                                                       "SandboxRedaction", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]),
        .executableTarget(name: "SandboxBench", dependencies: [
            "CloudSandbox", "MySQLWire", "MySQLNIO", "ScriptedMySQL", "MariaDBClient", "SandboxTesting", "SandboxPKI", "AWSSigV4", "IAMPolicy", "VirtualNetwork", "Lambda",
            "SandboxHTTP", "SandboxLifecycle",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The load client of `make bench`'s scale and churn figures: its own process, so the proxy is measured alone.
        .executableTarget(name: "SandboxLoad", dependencies: [
            "MySQLNIO", "AWSSigV4",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "MySQLWireTests", dependencies: ["MySQLWire", "SandboxTesting", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "AWSSigV4Tests", dependencies: ["AWSSigV4", "SandboxTesting", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "IAMPolicyTests", dependencies: ["IAMPolicy"]),
        .testTarget(name: "FakeAWSTests", dependencies: [
            "FakeAWS", "AWSCore", "AWSSigV4", "SandboxLifecycle", "SandboxTesting", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ScriptedMySQLTests", dependencies: [
            "ScriptedMySQL", "MySQLWire", "MySQLNIO", "MariaDBClient", "SandboxPKI", "SandboxTesting",
        ]),
        .testTarget(name: "VirtualNetworkTests", dependencies: ["VirtualNetwork"]),
        .testTarget(name: "RDSProxyTests", dependencies: [
            "CloudSandbox", "RDSProxy", "AWSCore", "VirtualNetwork", "SandboxPKI", "MariaDBClient", "MySQLWire", "MySQLNIO", "AWSSigV4", "SandboxTesting",
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .testTarget(name: "APIGatewayTests", dependencies: ["APIGateway", "AWSCore", "Lambda"]),
        .testTarget(name: "LambdaTests", dependencies: ["Lambda", "SandboxLifecycle"]),
        .testTarget(name: "SandboxJSONTests", dependencies: ["SandboxJSON"]),
        .testTarget(name: "SandboxAuditTests", dependencies: ["SandboxAudit", "SandboxTesting", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "TemplateImportTests", dependencies: [
            "TemplateImport", "CloudSandbox", "SandboxTesting", "SandboxScenarios", "MariaDBClient", .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "CloudSandboxTests", dependencies: [
            "CloudSandbox", "MariaDBClient", "SandboxTesting", "AWSSigV4", "AWSCore", "ScriptedMySQL", "Lambda", "MySQLNIO", "MySQLWire", "SandboxScenarios", "VirtualNetwork",
            "SandboxLifecycle", .product(name: "NIOCore", package: "swift-nio"), .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)

// `make fuzz`: libFuzzer targets (Fuzz/), declared only when CLOUDSANDBOX_FUZZ is set and built with
// -sanitize=fuzzer,address in their own build folder; never part of `swift build` or `swift test`.
if ProcessInfo.processInfo.environment["CLOUDSANDBOX_FUZZ"] != nil {
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("FuzzServerPackets", ["MySQLWire", .product(name: "NIOCore", package: "swift-nio")]),
        ("FuzzClientPackets", ["MySQLWire", .product(name: "NIOCore", package: "swift-nio")]),
        ("FuzzAuthToken", ["AWSSigV4"]),
        ("FuzzPolicy", ["IAMPolicy"]),
        ("FuzzTopology", ["SandboxTopology"]),
    ]
    package.targets.append(.target(name: "FuzzerEntry", path: "Fuzz/FuzzerEntry"))
    for (name, dependencies) in fuzzTargets {
        package.targets.append(.executableTarget(name: name, dependencies: dependencies + ["FuzzerEntry"], path: "Fuzz/\(name)",
                                                 swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
        package.products.append(.executable(name: name, targets: [name]))
    }
}
