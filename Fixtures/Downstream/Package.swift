// swift-tools-version:6.0
// A downstream package as a team writes one: it depends on CloudSandbox (here by path, to this checkout) and
// tests its own stack, its own Lambda code included, with `swift test` and nothing else. `make test` runs it.
import PackageDescription

let package = Package(
    name: "OrdersService",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "CloudSandbox", path: "../.."),
    ],
    targets: [
        .testTarget(name: "OrdersStackTests", dependencies: [.product(name: "SandboxTesting", package: "CloudSandbox")],
                    resources: [.copy("Resources")]),
    ],
    swiftLanguageModes: [.v6]
)
