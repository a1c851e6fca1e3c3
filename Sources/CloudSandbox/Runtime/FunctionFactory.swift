import Foundation
import Logging
import NIOCore
import SandboxAWSCore
import SandboxLambda
import SandboxLambdaDatabase
import SandboxVirtualNetwork

/// Turns the topology's functions into a running Lambda service: definitions, where each one's traffic leaves
/// from (its ENI, or an address outside every VPC), and what it can dial.
enum FunctionFactory {
    /// The proxies' context, plus what functions need besides.
    @dynamicMemberLookup
    struct Context {
        var shared: ProxyFactory.Context
        var proxies: [String: Endpoints.Proxy]
        var baseDirectory: URL

        subscript<T>(dynamicMember path: KeyPath<ProxyFactory.Context, T>) -> T { self.shared[keyPath: path] }
    }

    /// The service, run by the sandbox's services with the address denied connections of process functions are sent to.
    static func start(_ context: Context, handlers: [String: LambdaHandler]) async throws -> LambdaService {
        let topology = context.topology
        let aliases = Dictionary(
            uniqueKeysWithValues: try (topology.functions ?? []).enumerated().map { index, function in
                (function.name, try context.block.address(try NetworkPlan.functionHost(topology, index)))
            }
        )
        let targets = self.targets(context)
        // Each server: its name in the VPC, its alias, its port in the VPC (3306, or 5432 for PostgreSQL) and the port
        // it listens on.
        let owners =
            context.databases.map { ($0.key, $0.value.endpoint, $0.value.host, $0.value.servicePort, $0.value.port) }
            + context.proxies.map { ($0.key, $0.value.endpoint, $0.value.host, $0.value.servicePort, $0.value.port) }
            + context.proxies.values.flatMap { proxy in
                (proxy.endpoints ?? [:]).map {
                    ($0.key, $0.value.endpoint, $0.value.host, proxy.servicePort, $0.value.port)
                }
            }
        // Each target's DNS name → its alias, and its alias's service port → the port it listens on.
        var hosts: [String: String] = [:]
        var ports: [String: Int] = [:]
        for (_, endpoint, host, servicePort, port) in owners {
            hosts[endpoint] = host
            ports["\(host):\(servicePort)"] = port
        }
        let network = context.network
        let blackHole = try network.flatMap {
            $0.model.deniedConnections == .drop ? try BlackHole(address: try context.block.address(4)) : nil
        }
        if let blackHole { await context.services.hold("dropped-connection address") { blackHole.close() } }
        let processes = (topology.functions ?? []).contains { $0.command != nil || $0.managedRuntime != nil }
        let hostsFile = context.clusters.clusters.isEmpty ? nil : context.clusters.hostsFile.path
        let forwarder = try network?.model.dnsForwarder.map { try SocketAddress(ipAddress: $0.host, port: $0.port) }
        let dns =
            processes
            ? try await DNSResponder(host: try context.block.address(3), forwarder: forwarder) { [hosts] name in
                hostsFile.flatMap { Self.lookup(name, inHostsFile: $0) } ?? hosts[name]
            } : nil
        if let dns {
            await context.services.hold("DNS responder") { await dns.close() }
            let others =
                forwarder.map { "other names forwarded to \($0)" }
                ?? "NXDOMAIN for other names (network.dnsForwarder forwards them)"
            context.logger.debug("functions' DNS: the sandbox's names, and \(others)")
        }
        let environment = LambdaService.Environment(
            account: context.account,
            awsEndpoint: "",
            targets: targets,
            place: { name, vpc throws(AWSError) in
                try Self.place(name, vpc, alias: aliases[name] ?? "127.0.0.1", network: network)
            },
            processNetwork: ProcessNetwork(
                hosts: hosts,
                hostsFile: hostsFile,
                ports: ports,
                runtimeAPIHost: try context.block.address(3),
                blackHole: blackHole.map { "\($0.address):\($0.port)" },
                dropped: { source in
                    owners.filter { network?.isDenied(from: source, to: $0.0, port: $0.3) == true }.flatMap {
                        ["\($0.2):\($0.3)", "\($0.2):\($0.4)"]
                    }
                },
                trust: context.certificates.functionTrustVariables,
                dns: dns.map { "\($0.host):\($0.port)" }
            ),
            awsAccess: { source, service in
                guard
                    case let .blocked(why)? = network?.awsAccess(
                        from: source,
                        service: service,
                        name: ServiceAccess.endpointName(service, region: topology.region)
                    )
                else { return nil }
                return why.map(\.description).joined(separator: "; ")
            },
            deniedConnectionsReset: network?.model.deniedConnections == .reset,
            sqlRunner: SQLFunction.run,
            clock: context.clock,
            logger: context.logger
        )
        let service = LambdaService(environment: environment)
        if processes, let missing = PreloadLibrary.shared.functionError {
            context.logger.warning("process functions will fail to start: \(missing.errorMessage)")
        }
        if processes, let warning = ProcessLauncher.shared.warning { context.logger.warning("\(warning)") }
        await context.services.run(service, name: "Lambda")
        for (index, function) in (topology.functions ?? []).enumerated() {
            let go =
                function.managedRuntime == .go && handlers[function.handler ?? ""] == nil
                ? await self.goExecutable(function, context) : nil
            let definition = try self.definition(function, index: index, context: context, handlers: handlers, go: go)
            do throws(AWSError) {
                try await service.register(definition)
            } catch {
                throw TopologyError(path: "functions[\(index)]", "\(error.code): \(error.message)")
            }
        }
        return service
    }

    /// Attaches (or replaces) the function's ENI, or marks its alias as outside every VPC.
    static func place(
        _ name: String,
        _ vpc: FunctionDefinition.VPCConfig?,
        alias: String,
        network: VirtualNetwork?
    ) throws(AWSError) -> LambdaService.Placement {
        guard let network else { return .init(sourceAddress: alias) }
        guard let vpc else {
            network.detach(owner: name)
            network.setOutsideVPC(alias, owner: "function \(name)")
            return .init(sourceAddress: alias)
        }
        do throws(NetworkSpecError) {
            let eni = try network.reattach(
                owner: name,
                subnet: vpc.subnetIDs.first ?? "",
                securityGroups: vpc.securityGroupIDs,
                loopback: alias,
                path: "VpcConfig"
            )
            network.setOutsideVPC(alias, owner: nil)
            return .init(sourceAddress: alias, eniID: eni.id, vpcID: eni.vpc)
        } catch {
            throw AWSError(.invalidParameterValueException, "\(error.path): \(error.reason)")
        }
    }

    /// What functions can dial, by proxy (or proxy endpoint) name, instance id and DNS name.
    static func targets(_ context: Context) -> [String: DatabaseTarget] {
        var targets: [String: DatabaseTarget] = [:]
        for (id, database) in context.databases {
            let target = DatabaseTarget(
                endpoint: database.endpoint,
                host: database.host,
                port: database.port,
                caPEM: database.caBundle == nil ? nil : context.certificates.rdsCA.certificatePEM,
                engine: database.engine == "postgres" ? .postgres : .mysql
            )
            targets[id] = target
            targets[database.endpoint] = target
        }
        for (name, proxy) in context.proxies {
            let target = DatabaseTarget(
                endpoint: proxy.endpoint,
                host: proxy.host,
                port: proxy.port,
                caPEM: context.certificates.proxyCA.certificatePEM,
                engine: proxy.engineFamily == "POSTGRESQL" ? .postgres : .mysql
            )
            targets[name] = target
            targets[proxy.endpoint] = target
            for (endpointName, endpoint) in proxy.endpoints ?? [:] {
                let target = DatabaseTarget(
                    endpoint: endpoint.endpoint,
                    host: endpoint.host,
                    port: endpoint.port,
                    caPEM: target.caPEM,
                    engine: target.engine
                )
                targets[endpointName] = target
                targets[endpoint.endpoint] = target
            }
        }
        return targets
    }

    /// `name`'s address in the cluster hosts file (`name=address` lines), as the preload library reads it.
    private static func lookup(_ name: String, inHostsFile path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").lazy.compactMap { line -> String? in
            let parts = line.split(separator: "=", maxSplits: 1)
            return parts.count == 2 && parts[0].lowercased() == name ? String(parts[1]) : nil
        }.first
    }

    /// A process function's working directory (its code folder, LAMBDA_TASK_ROOT), relative to the topology's folder.
    private static func codeFolder(_ function: Topology.Function, _ context: Context) -> String? {
        function.codeFolder(relativeTo: context.baseDirectory)?.path
    }

    /// A go1.x function's executable, built from its folder's sources when it is not there (off the caller's thread:
    /// a first build takes seconds); the build, or why it cannot run, is logged.
    private static func goExecutable(_ function: Topology.Function, _ context: Context) async -> GoFunctionBuild.Outcome
    {
        let folder = URL(fileURLWithPath: self.codeFolder(function, context) ?? context.baseDirectory.path)
        let handler = function.handler ?? "main"
        let outcome = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    returning: GoFunctionBuild.resolve(
                        folder: folder,
                        handler: handler,
                        environment: ProcessInfo.processInfo.environment
                    )
                )
            }
        }
        switch outcome {
        case let .executable(_, built?): context.logger.info("function \(function.name) (go1.x): \(built)")
        case .executable: break
        case let .unrunnable(reason): context.logger.warning("function \(function.name) (go1.x) cannot run: \(reason)")
        }
        return outcome
    }

    private static func definition(
        _ function: Topology.Function,
        index: Int,
        context: Context,
        handlers: [String: LambdaHandler],
        go: GoFunctionBuild.Outcome?
    ) throws -> FunctionDefinition {
        let path = "functions[\(index)]"
        let code: FunctionCode
        if let builtin = function.builtin {
            if let unbound = builtin.unbound {
                code = .swift(
                    handlers[unbound.logicalId] ?? { _, _ in
                        throw CodeNotBound(function: function.name, unbound: unbound)
                    }
                )
            } else if let sql = builtin.sql {
                code = .builtin(
                    .sql(
                        SQLFunction(
                            target: sql.target,
                            user: sql.user,
                            auth: sql.auth == .iam ? .iam : .secret(sql.secret ?? ""),
                            database: sql.database,
                            tls: sql.tls ?? true,
                            statements: sql.statements.map { .init(sql: $0.sql, parameters: $0.parameters ?? []) },
                            keepsConnection: sql.keepConnection ?? false
                        )
                    )
                )
            } else {
                code = .builtin(.echo)
            }
        } else if let command = function.command {
            code = .process(ProcessCode(command: command, workingDirectory: self.codeFolder(function, context)))
        } else if function.managedRuntime == .nodejs, handlers[function.handler ?? ""] == nil {
            guard let command = NodeRuntime.command else {
                throw TopologyError(
                    path: "\(path).runtime",
                    "the sandbox's Node.js runtime client (resource SandboxNodeRuntime.js of its SandboxLambda "
                        + "target) is not beside the build; rebuild, or give the function a `command`"
                )
            }
            code = .process(ProcessCode(command: command, workingDirectory: self.codeFolder(function, context)))
        } else if let go {
            switch go {
            case let .executable(path, _):
                code = .process(ProcessCode(command: [path], workingDirectory: self.codeFolder(function, context)))
            case let .unrunnable(reason):
                // As Lambda answers a handler it cannot start; the message says why and what to do.
                let error = FunctionError(
                    errorType: "Runtime.InvalidEntrypoint",
                    errorMessage: "function \(function.name) (\(function.runtime ?? "go1.x")) cannot run: \(reason)"
                )
                code = .swift { _, _ in throw error }
            }
        } else {
            let name = function.handler ?? ""
            guard let handler = handlers[name] else {
                if let reason = Topology.Function.ManagedRuntime.missingClientReason(runtime: function.runtime ?? "") {
                    throw TopologyError(path: "\(path).runtime", reason)
                }
                throw TopologyError(
                    path: "\(path).handler",
                    "no Swift handler '\(name)' is registered; pass it in Sandbox.start(handlers:) or give the "
                        + "function `builtin` or `command`"
                )
            }
            code = .swift(handler)
        }
        if case let .process(process) = code {
            for file in EmbeddedAmazonRoot.files(in: process.workingDirectory, environment: function.environment ?? [:])
            {
                context.logger.notice("\(EmbeddedAmazonRoot.explanation(function: function.name, file: file))")
            }
        }
        return FunctionDefinition(
            name: function.name,
            runtime: function.runtime ?? "provided.al2023",
            handler: function.handler ?? (function.builtin != nil ? "builtin" : "bootstrap"),
            memorySize: function.memorySize ?? 128,
            timeout: function.timeout ?? 3,
            environment: (function.environment ?? [:]).mapValues { Self.substitute($0, context) },
            roleARN: context.account.roleARN(function.role),
            vpc: function.vpc.map { .init(subnetIDs: $0.subnets, securityGroupIDs: $0.securityGroups) },
            reservedConcurrency: function.reservedConcurrency,
            code: code
        )
    }

    /// `${proxy:NAME}` (a proxy or proxy endpoint), `${database:ID}` (an instance or cluster), `${cluster:ID}` and
    /// `${cluster-ro:ID}` (a cluster's reader endpoint) → their DNS names; `${proxy-ca-bundle}`, `${rds-ca-bundle}` →
    /// the CA files.
    static func substitute(_ value: String, _ context: Context) -> String {
        var result = value.replacingOccurrences(of: "${proxy-ca-bundle}", with: context.certificates.proxyBundlePath)
            .replacingOccurrences(of: "${rds-ca-bundle}", with: context.certificates.rdsBundlePath)
        for (name, proxy) in context.proxies {
            result = result.replacingOccurrences(of: "${proxy:\(name)}", with: proxy.endpoint)
            for (endpointName, endpoint) in proxy.endpoints ?? [:] {
                result = result.replacingOccurrences(of: "${proxy:\(endpointName)}", with: endpoint.endpoint)
            }
        }
        for (id, database) in context.databases {
            result = result.replacingOccurrences(of: "${database:\(id)}", with: database.endpoint)
        }
        for (id, cluster) in context.clusters.clusters {
            result = result.replacingOccurrences(of: "${database:\(id)}", with: cluster.endpoint).replacingOccurrences(
                of: "${cluster:\(id)}",
                with: cluster.endpoint
            )
            .replacingOccurrences(of: "${cluster-ro:\(id)}", with: cluster.readerEndpoint)
        }
        return result
    }
}

/// What an invocation of a function without runnable code answers: how to bind code to it.
struct CodeNotBound: Error, CustomStringConvertible {
    var function: String
    var unbound: Topology.Function.Unbound

    var description: String {
        "function \(self.function) (\(self.unbound.logicalId)) has no code the sandbox can run: "
            + "\(self.unbound.reason). Bind code to it: "
            + "pass a Swift handler named '\(self.unbound.logicalId)' in Sandbox.start(handlers:), or write the "
            + "topology out with "
            + "`sandbox import` and give the function `builtin` (echo, sql) or `command` (a Runtime API process "
            + "such as "
            + "`[python3, -m, awslambdaric, app.handler]`)"
    }
}
