// swift-tools-version:6.0
// A stand-in for swift-aws-lambda-events, which this machine cannot fetch: it declares the module names the real package does.
import PackageDescription

let package = Package(
    name: "swift-aws-lambda-events",
    products: [
        .library(name: "AWSLambdaEvents", targets: ["AWSLambdaEvents"]),
    ],
    targets: [
        .target(name: "AWSLambdaEvents"),
    ]
)
