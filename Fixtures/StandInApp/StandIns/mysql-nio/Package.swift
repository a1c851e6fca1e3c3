// swift-tools-version:6.0
// A stand-in for mysql-nio, which this machine cannot fetch: it declares the module names the real package does.
import PackageDescription

let package = Package(
    name: "mysql-nio",
    products: [
        .library(name: "MySQLNIO", targets: ["MySQLNIO"]),
    ],
    targets: [
        .target(name: "MySQLNIO"),
    ]
)
