// swift-tools-version:6.0
// A stand-in for soto-core, which this machine cannot fetch: it declares the module names the real package does.
import PackageDescription

let package = Package(
    name: "soto-core",
    products: [
        .library(name: "SotoCore", targets: ["SotoCore"]),
        .library(name: "SotoSignerV4", targets: ["SotoSignerV4"]),
    ],
    targets: [
        .target(name: "SotoCore"),
        .target(name: "SotoSignerV4"),
    ]
)
