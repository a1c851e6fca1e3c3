import CloudSandbox
import Foundation
import Glibc
import Logging
import SandboxTesting

/// 10,000 idle TLS clients through one proxy, three rounds, and 100,000 connect/disconnect cycles (mixed IAM and
/// password, some with a query, every 20th abandoned mid-handshake), driven by SandboxLoad in its own process. Figures
/// are this process's (the proxy's): resident memory, descriptors and target connections before, while held and after;
/// after each round `malloc_trim` tells memory the allocator kept (it gives it back) from memory still in use.
enum ScaleBench {
    struct Sample {
        var residentKiB: Int
        var descriptors: Int
        var clients: Int
        var targets: Int
        var idleTargets: Int
    }

    static func run(logger: Logger, idleClients: Int = 10_000, rounds: Int = 3, cycles: Int = 100_000) async throws {
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"SERVICE"},"#
            + #""Action":"sts:AssumeRole"}]}"#
        let allow = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ACTION","Resource":"*"}]}"#
        let topology = Topology(
            databases: [
                .init(
                    id: "db",
                    users: [.init(name: "app", password: "app-pw", plugin: .nativePassword)],
                    databases: ["app"],
                    maxConnections: 100
                )
            ],
            iam: .init(roles: [
                .init(
                    name: "proxy-role",
                    trustPolicy: JSONText(trust.replacingOccurrences(of: "SERVICE", with: "rds.amazonaws.com")),
                    policies: [
                        "read": JSONText(
                            allow.replacingOccurrences(of: "ACTION", with: "secretsmanager:GetSecretValue")
                        )
                    ]
                ),
                .init(
                    name: "app-role",
                    trustPolicy: JSONText(trust.replacingOccurrences(of: "SERVICE", with: "lambda.amazonaws.com")),
                    policies: ["connect": JSONText(allow.replacingOccurrences(of: "ACTION", with: "rds-db:connect"))]
                ),
            ]),
            secrets: [.init(name: "db/app", database: .init(instance: "db", user: "app"))],
            proxies: [
                .init(
                    name: "pw",
                    role: "proxy-role",
                    auth: [.init(secret: "db/app")],
                    target: "db",
                    maxClientConnections: 12_000
                ),
                .init(
                    name: "iam",
                    role: "proxy-role",
                    auth: [.init(secret: "db/app", iamAuth: .required)],
                    target: "db",
                    requireTLS: true,
                    maxClientConnections: 12_000
                ),
            ]
        )
        let sandbox = try await Sandbox.start(topology, logger: logger)
        return try await withSandbox(sandbox) { sandbox in
            let pw = sandbox.endpoints.proxies!["pw"]!
            let iam = sandbox.endpoints.proxies!["iam"]!
            let keys = sandbox.endpoints.credentials!["app-role"]!
            let environment = [
                "LOAD_PW_HOST": pw.host, "LOAD_PW_PORT": "\(pw.port)", "LOAD_PW_ENDPOINT": pw.endpoint,
                "LOAD_IAM_HOST": iam.host, "LOAD_IAM_PORT": "\(iam.port)", "LOAD_IAM_ENDPOINT": iam.endpoint,
                "LOAD_CA": pw.caBundle, "LOAD_USER": "app", "LOAD_PASSWORD": "app-pw",
                "AWS_ACCESS_KEY_ID": keys.accessKeyId, "AWS_SECRET_ACCESS_KEY": keys.secretAccessKey,
                "AWS_SESSION_TOKEN": keys.sessionToken ?? "",
            ]
            func sample() async -> Sample {
                let statistics = await sandbox.proxy("pw")!.statistics()
                let other = await sandbox.proxy("iam")!.statistics()
                return Sample(
                    residentKiB: ProxyBench.residentKiB(),
                    descriptors: Self.descriptors(),
                    clients: statistics.clientConnections + other.clientConnections,
                    targets: sandbox.database("db")!.connectionCount,
                    idleTargets: statistics.idleDatabaseConnections + other.idleDatabaseConnections
                )
            }
            func settled() async throws -> Sample {
                for _ in 0..<300 where await sample().clients > 0 { try await Task.sleep(for: .milliseconds(100)) }
                try await Task.sleep(for: .milliseconds(500))
                return await sample()
            }

            var report = Report([
                "\(idleClients) idle TLS clients", "RSS MiB", "KiB per client", "descriptors", "target connections",
                "RSS after", "after malloc_trim", "descriptors after",
            ])
            let start = await sample()
            report.add([
                "before", mib(start.residentKiB), "-", "\(start.descriptors)", "\(start.targets)", "-", "-", "-",
            ])
            for round in 1...rounds {
                let load = try LoadProcess(
                    environment.merging(["LOAD_MODE": "idle", "LOAD_COUNT": "\(idleClients)"]) { $1 }
                )
                let line = try await load.readLine(timeout: 600)
                let held = await sample()
                guard line.hasPrefix("held"), held.clients >= idleClients else {
                    throw BenchFailure("round \(round): \(line), \(held.clients) clients")
                }
                load.send("close")
                _ = try await load.finish(timeout: 120)
                let after = try await settled()
                Self.trimMalloc()
                let trimmed = ProxyBench.residentKiB()
                report.add([
                    "round \(round), held", mib(held.residentKiB),
                    format(Double(held.residentKiB - start.residentKiB) / Double(idleClients)),
                    "\(held.descriptors)", "\(held.targets)", mib(after.residentKiB), mib(trimmed),
                    "\(after.descriptors)",
                ])
            }
            report.print()

            Self.trimMalloc()
            let before = await sample()
            let churn = try LoadProcess(environment.merging(["LOAD_MODE": "churn", "LOAD_COUNT": "\(cycles)"]) { $1 })
            let clock = ContinuousClock()
            let began = clock.now
            let outcome = try await churn.finish(timeout: 1_200)
            let seconds = Measure.seconds(clock.now - began)
            let after = try await settled()
            Self.trimMalloc()
            let trimmed = ProxyBench.residentKiB()
            print(
                "\n\(cycles) connect/disconnect cycles (every 4th IAM over TLS, every 10th with a query, every "
                    + "20th abandoned mid-handshake): \(outcome.trimmingCharacters(in: .whitespacesAndNewlines)), "
                    + "\(format(Double(cycles) / seconds)) per second"
            )
            print(
                "  descriptors \(before.descriptors) → \(after.descriptors), target connections \(before.targets) "
                    + "→ \(after.targets) "
                    + "(\(after.idleTargets) of them idle in the pools, within MaxIdleConnectionsPercent: 2 "
                    + "descriptors each), client connections left \(after.clients)"
            )
            print(
                "  resident memory \(mib(before.residentKiB)) → \(mib(after.residentKiB)) MiB "
                    + "(\(format(Double(after.residentKiB) / Double(before.residentKiB))) of before), "
                    + "\(mib(trimmed)) MiB after malloc_trim"
            )
        }
    }

    /// glibc's malloc_trim(0): hands free heap pages back to the system (looked up, as <malloc.h> is not imported).
    static func trimMalloc() {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)(0)
    }

    static func descriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }
    static func mib(_ kib: Int) -> String { format(Double(kib) / 1024) }
}

/// SandboxLoad, next to this binary, with pipes to its stdin and stdout.
final class LoadProcess: Sendable {
    private let process = Process()
    private let input = Pipe(), output = Pipe()

    init(_ environment: [String: String]) throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "SandboxLoad"
        )
        self.process.executableURL = binary
        self.process.environment = environment
        self.process.standardInput = self.input
        self.process.standardOutput = self.output
        try self.process.run()
    }

    /// The next line it prints (or everything until it exits), within `timeout` seconds.
    func readLine(timeout: Double) async throws -> String {
        try await self.offThread(timeout: timeout) {
            var line = Data()
            while true {
                let byte = self.output.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty || byte == Data("\n".utf8) { return String(decoding: line, as: UTF8.self) }
                line.append(byte)
            }
        }
    }

    func send(_ line: String) { self.input.fileHandleForWriting.write(Data((line + "\n").utf8)) }

    /// Waits for it to exit; returns the rest of its output.
    func finish(timeout: Double) async throws -> String {
        try await self.offThread(timeout: timeout) {
            let rest = self.output.fileHandleForReading.readDataToEndOfFile()
            self.process.waitUntilExit()
            try? self.input.fileHandleForWriting.close()
            try? self.output.fileHandleForReading.close()
            guard self.process.terminationStatus == 0 else {
                throw BenchFailure("SandboxLoad exited with \(self.process.terminationStatus)")
            }
            return String(decoding: rest, as: UTF8.self)
        }
    }

    private func offThread(timeout: Double, _ body: @escaping @Sendable () throws -> String) async throws -> String {
        let timer = DispatchWorkItem { [process] in if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}
