// swift-tools-version:6.0
// Downstream apps as teams write them: a Hummingbird server whose route reads the orders database through an RDS
// Proxy with IAM, and a Python function behind an HTTP API; and an items service on PostgreSQL whose tests log in to
// an RDS Proxy for PostgreSQL with postgres-nio. Their tests depend on CloudSandbox (here by path, to this checkout)
// and run the whole stack with `swift test` and nothing else. `make test` runs them.
import PackageDescription

let package = Package(
    name: "OrdersService",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "CloudSandbox", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // The app: routes over a database it is given (in production, a MySQL client pool; in tests, the sandbox's proxy).
        .target(name: "OrdersApp", dependencies: [.product(name: "Hummingbird", package: "hummingbird")]),
        .executableTarget(name: "OrdersServer", dependencies: ["OrdersApp", .product(name: "Hummingbird", package: "hummingbird")]),
        .testTarget(name: "OrdersServiceTests", dependencies: [
            "OrdersApp",
            .product(name: "SandboxTesting", package: "CloudSandbox"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], resources: [.copy("Resources")]),
        .testTarget(name: "ItemsServiceTests", dependencies: [
            .product(name: "SandboxTesting", package: "CloudSandbox"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ], resources: [.copy("Resources")]),
    ],
    swiftLanguageModes: [.v6]
)
