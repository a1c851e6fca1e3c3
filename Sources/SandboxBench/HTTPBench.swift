import CloudSandbox
import Foundation
import Hummingbird
import Logging
import SandboxHTTP
import SandboxLifecycle
import SandboxTesting

/// Requests per second over HTTP at 1 and 16 connections (Debian's `wrk`, keep-alive), each beside anchors measured
/// in the same run on the same loopback: nginx serving a static JSON file, and a Hummingbird hello route on the
/// listener every sandbox server uses. Then the HTTP API: a route with no match (404, no function), the built-in echo
/// function, a built-in SQL function through the proxy (logging in per invocation, and keeping its connection), and
/// the AWS endpoint refusing an unsigned request.
enum HTTPBench {
    static let duration = 3

    static func run(logger: Logger) async throws {
        guard Self.executable("wrk") != nil else {
            return print("HTTP table: not measured (wrk is not installed; `make bench` installs it)")
        }
        let nginx = try? NginxAnchor.start()
        defer { nginx?.stop() }
        let hello = try await RunningService(
            HTTPListener(
                responder: Router().get("/hello") { _, _ in "hello" }.buildResponder(),
                host: "127.0.0.1",
                logger: logger
            ),
            logger: logger
        )
        var (topology, base) = try TopologyLoader.load(path: "Sandbox/default.yaml")
        for index in (topology.functions ?? []).indices where topology.functions?[index].builtin?.sql != nil {
            topology.functions?[index].builtin?.sql?.statements = [.init(sql: "SELECT 1")]
        }
        // The password function again, keeping its connection across warm invocations as customers' code does.
        if var kept = topology.functions?.first(where: { $0.name == "items-password" }) {
            kept.name = "items-password-kept"
            kept.builtin?.sql?.keepConnection = true
            topology.functions?.append(kept)
            topology.apis?[0].routes.insert(.init(route: "GET /password-kept", function: kept.name), at: 0)
        }
        let sandbox = try await Sandbox.start(topology, baseDirectory: base, logger: logger)
        try await withSandbox(sandbox) { sandbox in
            let api = sandbox.endpoints.apis!["app-api"]!.url
            let targets: [(String, String?)] = [
                ("nginx, static JSON file (anchor)", nginx?.url),
                ("Hummingbird hello route (anchor)", hello.service.url + "/hello"),
                ("HTTP API, no route matches (404)", api + "/"),
                ("HTTP API → built-in echo", api + "/anything"),
                (
                    "HTTP API → built-in SQL `SELECT 1` via the proxy (password, a login per invocation)",
                    api + "/password"
                ),
                (
                    "HTTP API → built-in SQL `SELECT 1` via the proxy (password, connection kept)",
                    api + "/password-kept"
                ),
                ("AWS endpoint, unsigned request (403)", sandbox.endpoints.aws.map { $0.endpoint + "/" }),
            ]
            var report = Report([
                "HTTP, wrk \(Self.duration) s each", "1 connection (req/s)", "p50 ms", "16 connections (req/s)",
                "vs nginx", "vs echo",
            ])
            var figures: [String: (Double, Double)] = [:]
            for (label, url) in targets {
                guard let url else {
                    report.add([label, "not measured (no nginx)", "-", "-", "-", "-"])
                    continue
                }
                let one = try await Self.wrk(url, threads: 1, connections: 1)
                let sixteen = try await Self.wrk(url, threads: 2, connections: 16)
                figures[label] = (one.rate, sixteen.rate)
                let nginxRate = figures[targets[0].0]?.1
                let echoRate = figures[targets[3].0]?.1
                report.add([
                    label, format(one.rate), format(one.p50Millis), format(sixteen.rate),
                    format(nginxRate.map { sixteen.rate / $0 }),
                    format(echoRate.map { sixteen.rate / $0 }),
                ])
            }
            report.print()
        }
        await hello.stop()
    }

    struct WrkResult {
        var rate: Double
        var p50Millis: Double?
    }

    /// `wrk --latency -tT -cC -dDs url`: requests per second and the median latency.
    static func wrk(_ url: String, threads: Int, connections: Int) async throws -> WrkResult {
        let result = try await Subprocess.runOffThread([
            "wrk", "--latency", "-t\(threads)", "-c\(connections)", "-d\(Self.duration)s", url,
        ])
        let lines = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard
            let rate = lines.first(where: { $0.hasPrefix("Requests/sec:") }).flatMap({
                Double($0.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces))
            })
        else {
            throw BenchFailure("wrk \(url): \(result.stdout) \(result.stderr)")
        }
        let p50 = lines.first { $0.hasPrefix("50%") }.flatMap {
            Self.milliseconds(String($0.dropFirst(3)).trimmingCharacters(in: .whitespaces))
        }
        return WrkResult(rate: rate, p50Millis: p50)
    }

    /// `812.00us`, `1.20ms`, `2.01s` in milliseconds.
    static func milliseconds(_ text: String) -> Double? {
        for (unit, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(unit) {
            return Double(text.dropLast(unit.count)).map { $0 * scale }
        }
        return nil
    }

    /// Where `program` is installed: on PATH, or in /usr/sbin (nginx), which a non-root PATH may lack.
    static func executable(_ program: String) -> String? {
        let folders: [String] =
            (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map(String.init) + [
                "/usr/sbin"
            ]
        return folders.map { "\($0)/\(program)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// nginx from Debian serving one static JSON file on a loopback port, in a folder of its own, two workers.
struct NginxAnchor {
    let process: Process
    let folder: URL
    let url: String

    static func start() throws -> NginxAnchor {
        guard let nginx = HTTPBench.executable("nginx") else { throw BenchFailure("nginx is not installed") }
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "bench-nginx-\(UUID().uuidString.prefix(8))"
        )
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("www"),
            withIntermediateDirectories: true
        )
        try Data(#"{"message":"hello","items":[1,2,3]}"#.utf8).write(
            to: folder.appendingPathComponent("www/hello.json")
        )
        let port = LoopbackPort.free()
        let configuration = """
            daemon off; worker_processes 2; pid \(folder.path)/nginx.pid; error_log \(folder.path)/error.log;
            events { worker_connections 1024; }
            http { access_log off; default_type application/json;
              server { listen 127.0.0.1:\(port); root \(folder.path)/www; } }
            """
        try Data(configuration.utf8).write(to: folder.appendingPathComponent("nginx.conf"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-p", folder.path, "-c", folder.appendingPathComponent("nginx.conf").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let anchor = NginxAnchor(process: process, folder: folder, url: "http://127.0.0.1:\(port)/hello.json")
        for _ in 0..<200 where !LoopbackPort.accepts(port) { Thread.sleep(forTimeInterval: 0.025) }
        guard LoopbackPort.accepts(port) else {
            anchor.stop()
            throw BenchFailure("nginx did not listen on 127.0.0.1:\(port) within 5 s")
        }
        return anchor
    }

    func stop() {
        self.process.terminate()
        self.process.waitUntilExit()
        try? FileManager.default.removeItem(at: self.folder)
    }
}
