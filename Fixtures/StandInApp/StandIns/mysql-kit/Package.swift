// swift-tools-version:6.0
// A stand-in for mysql-kit, which this machine cannot fetch: it declares the module names the real package does.
import PackageDescription

let package = Package(
    name: "mysql-kit",
    products: [
        .library(name: "MySQLKit", targets: ["MySQLKit"]),
    ],
    targets: [
        .target(name: "MySQLKit"),
    ]
)
