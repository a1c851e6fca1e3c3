import CloudSandbox
import Foundation
import Logging
import SandboxLambda
import SandboxTesting

/// The front half of the stack: requests per second through the HTTP API to each kind of function (and on
/// through the proxy to the backend), Lambda's own invoke rate, and cold starts of a Swift, a built-in and a
/// process (awslambdaric) function, side by side.
enum LambdaBench {
    static func run(logger: Logger) async throws {
        var (topology, base) = try TopologyLoader.load(path: "Sandbox/default.yaml")
        // Keep each answer small: the default handlers return every row ever inserted.
        for index in (topology.functions ?? []).indices where topology.functions?[index].builtin?.sql != nil {
            topology.functions?[index].builtin?.sql?.statements = [
                .init(sql: "SELECT id, route, at FROM visits ORDER BY id DESC LIMIT 5")
            ]
        }
        topology.functions?.append(.init(name: "swift-echo", handler: "echo", role: "app-role"))
        let sandbox = try await Sandbox.start(
            topology,
            baseDirectory: base,
            handlers: ["echo": { event, _ in event }],
            logger: logger
        )
        return try await withSandbox(sandbox) { sandbox in
            let url = sandbox.endpoints.apis!["app-api"]!.url

            var report = Report(["HTTP API → function (sequential, keep-alive)", "requests/s", "vs echo"])
            var echo: Double?
            for (label, path, count) in [
                ("built-in echo (no database)", "/anything", 3_000),
                ("built-in SQL, password via the proxy", "/password", 2_000),
                ("built-in SQL, IAM token via the proxy", "/iam", 2_000),
                ("Python awslambdaric + PyMySQL, IAM via the proxy", "/python", 300),
            ] {
                let rate = try await Self.offload {
                    let client = try LoopbackHTTP(url: url)
                    return try Measure.rate(count: count, seconds: 3, warmup: 5) { _ = try client.get(path) }
                }
                echo = echo ?? rate
                report.add([label, format(rate), format(rate / echo!)])
            }
            report.print()
            let payload = Array(#"{"a":1}"#.utf8)
            let lambda = sandbox.lambda
            let invokes = try await Measure.rate(count: 5_000, seconds: 2) {
                _ = try await lambda.invoke("swift-echo", payload: payload)
            }
            print("Lambda invoke of a Swift function in process (no HTTP): \(format(invokes))/s")

            var cold = Report(["cold start (median, ms)", "first invoke", "warm invoke", "runs"])
            for (name, runs) in [("swift-echo", 20), ("items-password", 10), ("items-python", 5)] {
                let first = try await Measure.medianMilliseconds(runs: runs) {
                    // retires the warm instance: the next invoke starts a new one
                    _ = try await lambda.update(name, .init(memorySize: 256))
                    _ = try await lambda.invoke(name, payload: payload)
                }
                let warm = try await Measure.medianMilliseconds(runs: runs) {
                    _ = try await lambda.invoke(name, payload: payload)
                }
                cold.add([name, format(first), format(warm), "\(runs)"])
            }
            cold.print()
        }
    }

    private static func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}
