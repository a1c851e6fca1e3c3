// swift-tools-version:6.0
// A stand-in for the app CloudSandbox is for: a serverless Swift server whose own targets have the usual names
// (App, Lambda, APIGateway, Database) and whose graph holds the ecosystem's packages: the real vapor, postgres-nio
// and hummingbird, and stand-ins (StandIns/) for those this machine cannot fetch, declaring the same module
// names. `make test` loads this graph (resolution and validation, no build): every target name in it must be unique.
import PackageDescription

let package = Package(
    name: "StandInApp",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "CloudSandbox", path: "../.."),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(path: "StandIns/mysql-nio"),
        .package(path: "StandIns/mysql-kit"),
        .package(path: "StandIns/swift-aws-lambda-runtime"),
        .package(path: "StandIns/swift-aws-lambda-events"),
        .package(path: "StandIns/soto-core"),
    ],
    targets: [
        .target(name: "Database", dependencies: [
            .product(name: "MySQLNIO", package: "mysql-nio"),
            .product(name: "MySQLKit", package: "mysql-kit"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        .target(name: "Lambda", dependencies: [
            "Database",
            .product(name: "AWSLambdaRuntime", package: "swift-aws-lambda-runtime"),
            .product(name: "AWSLambdaEvents", package: "swift-aws-lambda-events"),
            .product(name: "SotoCore", package: "soto-core"),
            .product(name: "SotoSignerV4", package: "soto-core"),
        ]),
        .target(name: "APIGateway", dependencies: ["Lambda", .product(name: "Hummingbird", package: "hummingbird")]),
        .executableTarget(name: "App", dependencies: ["APIGateway", .product(name: "Vapor", package: "vapor")]),
        .testTarget(name: "AppTests", dependencies: ["App", .product(name: "SandboxTesting", package: "CloudSandbox")]),
    ],
    swiftLanguageModes: [.v6]
)
