// swift-tools-version:6.0
// A stand-in for swift-aws-lambda-runtime, which this machine cannot fetch: it declares the module names the real package does.
import PackageDescription

let package = Package(
    name: "swift-aws-lambda-runtime",
    products: [
        .library(name: "AWSLambdaRuntime", targets: ["AWSLambdaRuntime"]),
        .library(name: "AWSLambdaRuntimeCore", targets: ["AWSLambdaRuntimeCore"]),
    ],
    targets: [
        .target(name: "AWSLambdaRuntime"),
        .target(name: "AWSLambdaRuntimeCore"),
    ]
)
