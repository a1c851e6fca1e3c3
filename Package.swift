// swift-tools-version:6.0
import Foundation
import PackageDescription

let package = Package(
    name: "CloudSandbox",
    platforms: [.macOS(.v14)],
    // Few products, named for users: every target carries the package's prefix (Sandbox*, CSandbox*), so none
    // clashes with a module of an app's own graph (vapor/mysql-nio's MySQLNIO, an app's Lambda or APIGateway target).
    products: [
        .library(name: "CloudSandbox", targets: ["CloudSandbox"]),
        .library(name: "SandboxTesting", targets: ["SandboxTesting"]),
        .executable(name: "sandbox", targets: ["SandboxCLI"]),
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
        // JSONValue: the one JSON value type of the package (events, payloads, policy documents, control answers). No
        // I/O.
        .target(name: "SandboxJSON"),
        // RedactedWhenRendered: types that hold secrets render them as <redacted> (print, dump, logs, XCTest). No I/O.
        .target(name: "SandboxRedaction"),
        // MySQL protocol: packets, messages, auth-plugin math and both connection state machines. No sockets.
        .target(
            name: "SandboxMySQLWire",
            dependencies: [
                "SandboxRedaction",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // What every server needs to run as a swift-service-lifecycle Service: readiness, deadlines, and running one on
        // its own.
        .target(
            name: "SandboxLifecycle",
            dependencies: [
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // SigV4: canonical requests, signing, presigning, verification, RDS IAM auth tokens. No I/O.
        .target(
            name: "SandboxSigV4",
            dependencies: [
                "SandboxRedaction",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // IAM policy documents, matching, conditions and evaluation with the deciding statements. No I/O.
        .target(name: "SandboxIAMPolicy", dependencies: ["SandboxJSON"]),
        // What every fake AWS service shares, with no HTTP server: the account's state and resources, callers,
        // the error catalogue, authenticated requests and the REST service protocol.
        .target(
            name: "SandboxAWSCore",
            dependencies: [
                "SandboxSigV4", "SandboxIAMPolicy", "SandboxAudit", "SandboxJSON", "SandboxRedaction",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Serving HTTP as a sandbox Service: a Hummingbird listener that binds in run(), and connection-closing
        // answers.
        .target(
            name: "SandboxHTTP",
            dependencies: [
                "SandboxLifecycle",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The AWS endpoint: one SigV4-verified HTTP listener dispatching to IAM, STS, KMS, Secrets Manager, RDS and the
        // REST services.
        .target(
            name: "SandboxFakeAWS",
            dependencies: [
                "SandboxAWSCore", "SandboxHTTP", "SandboxLifecycle", "SandboxSigV4", "SandboxAudit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // In-memory certificate authorities and leaf certificates for every TLS endpoint of a sandbox.
        .target(
            name: "SandboxPKI",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // PostgreSQL protocol (v3): framing, messages, SCRAM-SHA-256 and MD5 math, the server's state machine. No
        // sockets.
        .target(
            name: "SandboxPostgresWire",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // SwiftNIO handlers that run the PostgresWire state machine: the server listener.
        .target(
            name: "SandboxPostgresNIO",
            dependencies: [
                "SandboxPostgresWire", "SandboxLifecycle", "SandboxPKI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // SwiftNIO handlers that run the MySQLWire state machines: server listener and async client.
        .target(
            name: "SandboxMySQLNIO",
            dependencies: [
                "SandboxMySQLWire", "SandboxLifecycle", "SandboxPKI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .systemLibrary(name: "CSandboxSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // One SQLite connection with prepared-statement reuse: where both scripted backends keep their data.
        .target(name: "SandboxSQLite", dependencies: ["CSandboxSQLite"]),
        // The scripted MySQL backend: users, SQLite-backed SQL, scripted rules, query log, limits.
        .target(
            name: "SandboxScriptedMySQL",
            dependencies: [
                "SandboxLifecycle", "SandboxMySQLWire", "SandboxMySQLNIO", "CSandboxSQLite", "SandboxSQLite",
                "SandboxAudit", "SandboxRedaction",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The scripted PostgreSQL backend: SCRAM/MD5/cleartext accounts, SQLite-backed SQL in PostgreSQL's dialect,
        // query log, limits.
        .target(
            name: "SandboxScriptedPostgres",
            dependencies: [
                "SandboxLifecycle", "SandboxPostgresWire", "SandboxPostgresNIO", "SandboxSQLite", "CSandboxSQLite",
                "SandboxRedaction",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .systemLibrary(name: "CSandboxMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),
        // A thin Swift wrapper over MariaDB Connector/C: the independent real client.
        .target(name: "SandboxMariaDBClient", dependencies: ["CSandboxMariaDB", "SandboxRedaction"]),
        // The virtual VPC: subnets, security groups, ACLs, ENIs on loopback aliases, enforcement on accept,
        // reachability, toxics.
        .target(
            name: "SandboxVirtualNetwork",
            dependencies: [
                "SandboxAudit", "SandboxJSON",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The RDS Proxy data plane: client auth (IAM tokens, secrets), the backend pool, pinning, target health.
        .target(
            name: "SandboxRDSProxy",
            dependencies: [
                "SandboxLifecycle", "SandboxMySQLWire", "SandboxMySQLNIO", "SandboxPostgresWire", "SandboxPostgresNIO",
                "SandboxAWSCore", "SandboxSigV4",
                "SandboxAudit", "SandboxRedaction",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Lambda: functions (Swift closures, built-in handlers, Runtime API processes), instances, concurrency,
        // timeouts, the REST API. The C sources of the library preloaded into process functions (names, ports, source
        // addresses) and of the launcher that supervises their connect calls (for programs that bypass libc) are
        // resources, compiled on first use into a per-user cache (PreloadLibrary, ProcessLauncher), so dependents need
        // no build step; so is the Runtime API client Node.js functions run with (NodeRuntime).
        .target(
            name: "SandboxLambda",
            dependencies: [
                "SandboxLifecycle", "SandboxAWSCore", "SandboxHTTP", "SandboxJSON", "SandboxSigV4", "SandboxIAMPolicy",
                "SandboxAudit",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [
                .copy("RuntimeAPI/Steering/SandboxPreload.c"), .copy("RuntimeAPI/Steering/SandboxLaunch.c"),
                .copy("RuntimeAPI/Steering/SandboxSteering.h"), .copy("RuntimeAPI/Node/SandboxNodeRuntime.js"),
            ]
        ),
        // Functions' database clients: `context.database` (connect from the function's ENI with an IAM token or a
        // password, TLS verified) and the built-in SQL function that runs on it.
        .target(
            name: "SandboxLambdaDatabase",
            dependencies: [
                "SandboxLambda", "SandboxMySQLNIO", "SandboxMySQLWire", "SandboxPostgresNIO", "SandboxPostgresWire",
                "SandboxPKI",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // API Gateway HTTP APIs: routes, payload formats 1.0/2.0, a listener per API, the apigatewayv2 read API.
        .target(
            name: "SandboxAPIGateway",
            dependencies: [
                "SandboxLifecycle", "SandboxLambda", "SandboxAWSCore", "SandboxHTTP", "SandboxSigV4", "SandboxAudit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The audit log: every decision in SQLite (in memory, or a file the sqlite3 CLI reads), fed by Logger.decide,
        // written in batches by its service.
        .target(
            name: "SandboxAudit",
            dependencies: [
                "CSandboxSQLite", "SandboxJSON", "SandboxRedaction",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // A sandbox's topology, with no server: the model, its YAML loader, validation (errors name the YAML path),
        // the network plan and reachability questions, and the graph `sandbox graph` draws.
        .target(
            name: "SandboxTopology",
            dependencies: [
                "SandboxAWSCore", "SandboxSigV4", "SandboxJSON", "SandboxMySQLWire", "SandboxIAMPolicy",
                "SandboxVirtualNetwork", "SandboxRedaction",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Aurora-style clusters on the data plane: which member writes, failover (proxies hold, a reader is promoted,
        // the old writer comes back as a reader), replication with lag, and what the cluster names resolve to.
        .target(
            name: "SandboxClusterFailover",
            dependencies: [
                "SandboxTopology", "SandboxAWSCore", "SandboxRDSProxy", "SandboxScriptedMySQL",
                "SandboxScriptedPostgres", "SandboxAudit",
                "SandboxVirtualNetwork", "SandboxLifecycle",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The composition root: the runtime that starts a topology's servers, the endpoints file, the control APIs.
        .target(
            name: "CloudSandbox",
            dependencies: [
                "SandboxTopology", "SandboxClusterFailover", "SandboxLifecycle", "SandboxAudit", "SandboxJSON",
                "SandboxLambda", "SandboxLambdaDatabase", "SandboxAPIGateway", "SandboxScriptedMySQL",
                "SandboxScriptedPostgres", "SandboxMySQLWire", "SandboxPKI", "SandboxAWSCore", "SandboxFakeAWS",
                "SandboxSigV4", "SandboxVirtualNetwork", "SandboxRDSProxy",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // CloudFormation/SAM templates (intrinsics, nested stacks) and Terraform JSON into a topology; `sandbox up
        // PATH` tells them apart.
        .target(
            name: "SandboxTemplateImport",
            dependencies: [
                "SandboxTopology", "SandboxAWSCore", "SandboxJSON", "SandboxVirtualNetwork",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Clients against a running sandbox (a login as a role, a route), probes, and the misconfiguration catalog with
        // its runner.
        .target(
            name: "SandboxScenarios",
            dependencies: [
                "CloudSandbox", "SandboxTemplateImport", "SandboxMariaDBClient", "SandboxSigV4", "SandboxLambda",
                "SandboxAWSCore", "SandboxJSON", "SandboxVirtualNetwork", "SandboxMySQLNIO", "SandboxMySQLWire",
                "SandboxRedaction", "SandboxPostgresNIO", "SandboxPostgresWire", "SandboxPKI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "SandboxCLI",
            dependencies: [
                "CloudSandbox", "SandboxVirtualNetwork", "SandboxJSON", "SandboxScenarios", "SandboxTemplateImport",
                "SandboxMariaDBClient", "SandboxSigV4", "SandboxRedaction", "SandboxPostgresNIO", "SandboxPostgresWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Helpers for tests (ours and users'): a throwaway real MariaDB server, a seeded random generator,
        // subprocesses. For tests of this stack: a sandbox per test, assertions that carry the sandbox's explanation,
        // failover workloads.
        .target(
            name: "SandboxTesting",
            dependencies: [
                "CloudSandbox", "SandboxScenarios", "SandboxTemplateImport", "SandboxAWSCore", "SandboxLambda",
                "SandboxScriptedMySQL", "SandboxVirtualNetwork", "SandboxPKI", "SandboxMariaDBClient",
                "SandboxPostgresNIO", "SandboxPostgresWire", "SandboxRedaction",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "SandboxBench",
            dependencies: [
                "CloudSandbox", "SandboxMySQLWire", "SandboxMySQLNIO", "SandboxScriptedMySQL", "SandboxMariaDBClient",
                "SandboxTesting", "SandboxPKI", "SandboxSigV4", "SandboxIAMPolicy", "SandboxVirtualNetwork",
                "SandboxLambda",
                "SandboxHTTP", "SandboxLifecycle", "SandboxJSON", "SandboxPostgresNIO",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The load client of `make bench`'s scale and churn figures: its own process, so the proxy is measured alone.
        .executableTarget(
            name: "SandboxLoad",
            dependencies: [
                "SandboxMySQLNIO", "SandboxSigV4",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SandboxMySQLWireTests",
            dependencies: ["SandboxMySQLWire", "SandboxTesting", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "SandboxSigV4Tests",
            dependencies: ["SandboxSigV4", "SandboxTesting", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "SandboxIAMPolicyTests", dependencies: ["SandboxIAMPolicy"]),
        .testTarget(name: "SandboxAWSCoreTests", dependencies: ["SandboxAWSCore"]),
        .testTarget(
            name: "SandboxScenariosTests",
            dependencies: ["SandboxScenarios", "CloudSandbox", "SandboxTesting"]
        ),
        .testTarget(
            name: "SandboxTopologyTests",
            dependencies: ["SandboxTopology", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "SandboxClusterFailoverTests",
            dependencies: [
                "SandboxClusterFailover", "SandboxScriptedMySQL", "SandboxMySQLNIO", "SandboxMySQLWire",
                "SandboxLifecycle", "SandboxTesting",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SandboxLifecycleTests",
            dependencies: [
                "SandboxLifecycle", "SandboxTesting", .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SandboxMySQLNIOTests",
            dependencies: [
                "SandboxMySQLNIO", "SandboxMySQLWire", "SandboxLifecycle", "SandboxPKI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SandboxPostgresNIOTests",
            dependencies: [
                "SandboxPostgresNIO", "SandboxPostgresWire", "SandboxPKI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SandboxPKITests",
            dependencies: [
                "SandboxPKI", .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "SandboxHTTPTests",
            dependencies: [
                "SandboxHTTP", "SandboxTesting", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SandboxLambdaDatabaseTests",
            dependencies: [
                "SandboxLambdaDatabase", "SandboxLambda", "SandboxJSON", "SandboxMySQLWire", "SandboxPostgresWire",
            ]
        ),
        .testTarget(name: "SandboxSQLiteTests", dependencies: ["SandboxSQLite", "CSandboxSQLite"]),
        .testTarget(name: "SandboxRedactionTests", dependencies: ["SandboxRedaction"]),
        .testTarget(
            name: "SandboxFakeAWSTests",
            dependencies: [
                "SandboxFakeAWS", "SandboxAWSCore", "SandboxSigV4", "SandboxLifecycle", "SandboxTesting",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SandboxScriptedMySQLTests",
            dependencies: [
                "SandboxScriptedMySQL", "SandboxMySQLWire", "SandboxMySQLNIO", "SandboxMariaDBClient", "SandboxPKI",
                "SandboxTesting",
            ]
        ),
        .testTarget(name: "SandboxVirtualNetworkTests", dependencies: ["SandboxVirtualNetwork"]),
        .testTarget(
            name: "SandboxPostgresWireTests",
            dependencies: ["SandboxPostgresWire", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "SandboxScriptedPostgresTests",
            dependencies: [
                "SandboxScriptedPostgres", "SandboxPostgresWire", "SandboxPostgresNIO", "SandboxPKI", "SandboxTesting",
                "SandboxLifecycle",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SandboxRDSProxyTests",
            dependencies: [
                "CloudSandbox", "SandboxRDSProxy", "SandboxAWSCore", "SandboxVirtualNetwork", "SandboxPKI",
                "SandboxMariaDBClient", "SandboxMySQLWire", "SandboxMySQLNIO", "SandboxSigV4", "SandboxTesting",
                "SandboxScriptedPostgres", "SandboxPostgresNIO", "SandboxPostgresWire", "SandboxLifecycle",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SandboxAPIGatewayTests",
            dependencies: ["SandboxAPIGateway", "SandboxAWSCore", "SandboxLambda"]
        ),
        .testTarget(name: "SandboxLambdaTests", dependencies: ["SandboxLambda"]),
        .testTarget(name: "SandboxJSONTests", dependencies: ["SandboxJSON"]),
        .testTarget(
            name: "SandboxAuditTests",
            dependencies: ["SandboxAudit", "SandboxTesting", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "SandboxTemplateImportTests",
            dependencies: [
                "SandboxTemplateImport", "CloudSandbox", "SandboxTesting", "SandboxScenarios", "SandboxMariaDBClient",
                "SandboxLambda", .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "CloudSandboxTests",
            dependencies: [
                "CloudSandbox", "SandboxMariaDBClient", "SandboxTesting", "SandboxSigV4", "SandboxAWSCore",
                "SandboxScriptedMySQL", "SandboxLambda", "SandboxMySQLNIO", "SandboxMySQLWire", "SandboxScenarios",
                "SandboxVirtualNetwork",
                "SandboxLifecycle", "SandboxPKI", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// `make fuzz`: libFuzzer targets (Fuzz/), declared only when CLOUDSANDBOX_FUZZ is set and built with
// -sanitize=fuzzer,address in their own build folder; never part of `swift build` or `swift test`.
if ProcessInfo.processInfo.environment["CLOUDSANDBOX_FUZZ"] != nil {
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("SandboxFuzzServerPackets", ["SandboxMySQLWire", .product(name: "NIOCore", package: "swift-nio")]),
        ("SandboxFuzzClientPackets", ["SandboxMySQLWire", .product(name: "NIOCore", package: "swift-nio")]),
        ("SandboxFuzzAuthToken", ["SandboxSigV4"]),
        ("SandboxFuzzPolicy", ["SandboxIAMPolicy"]),
        ("SandboxFuzzTopology", ["SandboxTopology"]),
        ("SandboxFuzzPostgresMessages", ["SandboxPostgresWire", .product(name: "NIOCore", package: "swift-nio")]),
        ("SandboxFuzzQueryForm", ["SandboxAWSCore"]),
    ]
    package.targets.append(.target(name: "SandboxFuzzerEntry", path: "Fuzz/SandboxFuzzerEntry"))
    for (name, dependencies) in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: name,
                dependencies: dependencies + ["SandboxFuzzerEntry"],
                path: "Fuzz/\(name)",
                swiftSettings: [.unsafeFlags(["-parse-as-library"])]
            )
        )
        package.products.append(.executable(name: name, targets: [name]))
    }
}

// `make docs`: the DocC catalogs of CloudSandbox and SandboxTesting, built with swift-docc-plugin, which is declared
// only when CLOUDSANDBOX_DOCS is set, so a package that depends on this one never resolves it.
if ProcessInfo.processInfo.environment["CLOUDSANDBOX_DOCS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"))
}
