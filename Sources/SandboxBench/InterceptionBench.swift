import CloudSandbox
import Foundation
import Logging
import SandboxJSON
import SandboxLambda
import SandboxTesting

/// What the launcher's interception costs process functions: cold starts of a Python (awslambdaric) and a Node.js
/// function, and TCP connects from inside a function to the proxy by its DNS name, each under the launcher (seccomp
/// user notification) and under the preload library alone (the function's `CLOUDSANDBOX_LAUNCHER=off`), side by side.
enum InterceptionBench {
    static func run(logger: Logger) async throws {
        guard ProcessLauncher.shared.path != nil else {
            return print("interception: not measured (\(ProcessLauncher.shared.warning ?? "no launcher"))")
        }
        var (topology, base) = try TopologyLoader.load(path: "Sandbox/default.yaml")
        let python = try required(topology.functions?.first { $0.name == "items-python" }, "items-python")
        let kinds: [(name: String, function: Topology.Function)] = [
            ("python", python),
            (
                "node",
                Topology.Function(
                    name: "node",
                    runtime: "nodejs20.x",
                    handler: "index.handler",
                    timeout: 10,
                    role: "app-role",
                    vpc: python.vpc,
                    workingDirectory: "../Fixtures/lambda/node"
                )
            ),
            (
                "connect",
                Topology.Function(
                    name: "connect",
                    runtime: "python3.12",
                    handler: "connect_timing.handler",
                    timeout: 30,
                    role: "app-role",
                    environment: ["DB_HOST": "${proxy:app-proxy}"],
                    vpc: python.vpc,
                    command: ["python3", "-m", "awslambdaric", "connect_timing.handler"],
                    workingDirectory: "../Fixtures/lambda/python"
                )
            ),
        ]
        for (name, function) in kinds {
            for launcher in ["on", "off"] {
                var copy = function
                copy.name = "\(name)-\(launcher)"
                if launcher == "off" {
                    copy.environment = (copy.environment ?? [:]).merging(["CLOUDSANDBOX_LAUNCHER": "off"]) { $1 }
                }
                topology.functions?.append(copy)
            }
        }
        let sandbox = try await Sandbox.start(topology, baseDirectory: base, logger: logger)
        try await withSandbox(sandbox) { sandbox in
            let lambda = sandbox.lambda
            let payload = Array(#"{"rawPath": "/bench"}"#.utf8)
            var cold = Report(["cold start, median of 11 (ms)", "launcher", "preload only", "launcher / preload"])
            for kind in ["python", "node"] {
                let names = ["on", "off"].map { "\(kind)-\($0)" }
                let starts: [@Sendable () async throws -> Void] = names.map { name in
                    {
                        let result = try await lambda.invoke(name, payload: payload)
                        if let error = result.functionError {
                            throw BenchFailure("\(name): \(error) \(String(decoding: result.payload, as: UTF8.self))")
                        }
                    }
                }
                // An update retires the warm instance (and waits for it to exit): the next invoke starts a new one.
                let figures = try await Measure.interleavedMedianMilliseconds(
                    runs: 11,
                    untimed: { _ = try await lambda.update(names[$0], .init(memorySize: 256)) },
                    starts
                )
                cold.add([
                    kind == "python" ? "Python awslambdaric + boto3/PyMySQL imports" : "Node.js index.handler",
                    format(figures[0]), format(figures[1]),
                    format(figures[0] / figures[1]),
                ])
            }
            cold.print()
            print()
            var connects = Report(["TCP connect to the proxy from a function (µs)", "median", "p90"])
            var medians: [Double] = []
            for launcher in ["on", "off"] {
                let result = try await lambda.invoke("connect-\(launcher)", payload: Array(#"{"count": 1000}"#.utf8))
                let answer = try JSONValue(parsing: result.payload)
                guard result.functionError == nil, let median = answer["median_us"]?.numberValue,
                    let p90 = answer["p90_us"]?.numberValue
                else {
                    throw BenchFailure("connect-\(launcher): \(String(decoding: result.payload, as: UTF8.self))")
                }
                medians.append(median)
                connects.add([
                    launcher == "on" ? "under the launcher (seccomp user notification)" : "preload library alone",
                    format(median), format(p90),
                ])
            }
            connects.print()
            print("the launcher adds \(format(medians[0] - medians[1])) µs per connect (median; 1000 connects each)")
        }
    }

    private static func required<T>(_ value: T?, _ name: String) throws -> T {
        guard let value else { throw BenchFailure("Sandbox/default.yaml has no function \(name)") }
        return value
    }
}
