import CloudSandbox
import Foundation
import SandboxLambda

/// The paths tried live, and what a failed one that no check explains is reported as.
extension DiagnosisChecks {
    /// Calls every route, invokes every function no route reaches (process functions too: the customer's code runs),
    /// then asks each proxy's target health.
    mutating func tryPaths() async -> [PathResult] {
        var results: [PathResult] = []
        let paths = Dictionary(
            DatabasePath.all(in: self.topology).map { ($0.function.name, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        func described(_ function: String) -> String {
            paths[function].map { " (\($0.target) as \($0.user ?? "its secret's user"))" } ?? ""
        }
        var routed: Set<String> = []
        for api in self.topology.apis ?? [] {
            for route in api.routes {
                let observation = await Probe.call(api: api.name, route: Self.request(for: route.route)).run(
                    in: self.sandbox
                )
                results.append(
                    PathResult(
                        path: "call \(api.name) \(route.route) → \(route.function)\(described(route.function))",
                        works: observation.succeeded,
                        observed: observation.text,
                        from: paths[route.function] == nil ? "api:\(api.name)" : route.function,
                        to: paths[route.function]?.target ?? route.function
                    )
                )
                routed.insert(route.function)
                guard !observation.succeeded, self.failedFunctions[route.function] == nil else { continue }
                // The route answers what API Gateway does (502, "Internal Server Error"); the function's own error says
                // why.
                let direct = await Probe.invoke(function: route.function, event: #"{"rawPath": "/diagnose"}"#).run(
                    in: self.sandbox
                )
                self.failedFunctions[route.function] =
                    observation.text + (direct.succeeded ? "" : "; invoked directly: \(direct.text)")
            }
        }
        for function in self.topology.functions ?? [] where !routed.contains(function.name) {
            let observation = await Probe.invoke(function: function.name, event: #"{"rawPath": "/diagnose"}"#).run(
                in: self.sandbox
            )
            results.append(
                PathResult(
                    path: "invoke \(function.name)\(described(function.name))",
                    works: observation.succeeded,
                    observed: observation.text,
                    from: function.name,
                    to: paths[function.name]?.target
                )
            )
            if !observation.succeeded { self.failedFunctions[function.name] = observation.text }
        }
        for proxy in self.topology.proxies ?? [] {
            let observation = await Probe.targetHealth(proxy: proxy.name).run(in: self.sandbox)
            self.targetHealth[proxy.name] = observation
            let instance = self.topology.instance(behind: proxy.target)?.id ?? proxy.target
            results.append(
                PathResult(
                    path: "target health of \(proxy.name) (\(proxy.target))",
                    works: observation.succeeded,
                    observed: observation.text,
                    from: proxy.name,
                    to: instance
                )
            )
        }
        return results
    }

    /// A request a route matches: `$default` as `GET /`, `ANY` as GET, path parameters as `diagnose`.
    private static func request(for route: String) -> String {
        guard route != "$default" else { return "GET /" }
        let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
        let method = parts.first == "ANY" ? "GET" : parts.first ?? "GET"
        let path = (parts.last ?? "/").replacingOccurrences(
            of: #"\{[^}]*\}"#,
            with: "diagnose",
            options: .regularExpression
        )
        return "\(method) \(path)"
    }

    /// A broken function path no finding names (by the function or its target) gets one of its own, with the
    /// sandbox's explanation.
    mutating func explainRemaining(_ paths: [PathResult]) {
        let targets = Dictionary(
            DatabasePath.all(in: self.topology).map { ($0.function.name, $0.target) },
            uniquingKeysWith: { first, _ in first }
        )
        for (function, observed) in self.failedFunctions.sorted(by: { $0.key < $1.key }) {
            let target = targets[function] ?? ""
            let named = self.findings.contains { finding in
                let words = finding.subject.split(separator: " ").map(String.init)
                return words.contains(function) || words.contains(target)
            }
            guard !named else { continue }
            let subject =
                "function \(function)"
                + (self.origin.map { origin in
                    " (\(origin.functions[function].map { "\($0) in " } ?? "")\(origin.file))"
                } ?? "")
            if observed.contains("has no code the sandbox can run") {
                self.findings.append(
                    Finding(
                        id: "function-code-missing",
                        title: "The function's code is not where the template says",
                        subject: subject,
                        evidence: [observed],
                        fix:
                            "Point CodeUri (or Code, or filename) at the function's code folder, relative to the "
                            + "template."
                    )
                )
            } else if let id = Self.runtimeFindings.first(where: { observed.contains($0.key) })?.value {
                self.add(id, subject, [observed])
            } else if observed.contains("certificate signed by unknown authority")
                || observed.contains("CERTIFICATE_VERIFY_FAILED"),
                let file = self.shippedAmazonRoot(of: function)
            {
                self.add(
                    "embedded-amazon-root",
                    subject,
                    [observed, EmbeddedAmazonRoot.explanation(function: function, file: file)]
                )
            } else if observed.contains("Runtime.ImportModuleError") {
                self.findings.append(
                    Finding(
                        id: "handler-does-not-import",
                        title: "The function's handler module does not import",
                        subject: subject,
                        evidence: [observed],
                        fix:
                            "Make Handler name a module of the code folder (module.function) and ship what it "
                            + "imports with it."
                    )
                )
            } else {
                self.findings.append(
                    Finding(
                        id: "broken-path",
                        title: "A path fails for a reason the catalog does not name",
                        subject: subject,
                        evidence: [observed, self.sandbox.explanation()],
                        fix: "read the evidence; `sandbox scenario list` shows the known causes"
                    )
                )
            }
        }
    }

    /// An Amazon root CA file that function `name` names in its environment or ships at the top of its code folder.
    private func shippedAmazonRoot(of name: String) -> String? {
        guard let function = self.topology.functions?.first(where: { $0.name == name }) else { return nil }
        return EmbeddedAmazonRoot.files(
            in: function.codeFolder(relativeTo: self.baseDirectory)?.path,
            environment: function.environment ?? [:]
        ).first
    }

    /// What a function's failure says → the catalog entry that explains it.
    private static let runtimeFindings: KeyValuePairs = [
        "Runtime.HandlerNotFound": "handler-not-exported",
        "(go1.x) cannot run: its handler": "go1x-folder-without-main",
        "Sandbox.InterceptionUnavailable": "static-binary-without-interception",
    ]
}
