import FakeAWS
import Foundation
import Logging
import MySQLWire
import NIOConcurrencyHelpers
import ScriptedMySQL

/// A running sandbox: every resource of a topology, listening on the sandbox's own loopback addresses.
public final class Sandbox: Sendable {
    public let topology: Topology
    public let endpoints: Endpoints
    /// Where certificates and (by default) the endpoints file live.
    public let stateDirectory: URL
    /// The AWS account: IAM, STS, KMS, Secrets Manager and RDS state.
    public let account: AccountState
    /// The AWS endpoint serving `account`.
    public let aws: AWSEndpoint
    private let block: LoopbackAddressBlock
    private let instances: [String: ScriptedMySQLServer]
    private let ownsStateDirectory: Bool

    private init(topology: Topology, endpoints: Endpoints, stateDirectory: URL, ownsStateDirectory: Bool, account: AccountState,
                 aws: AWSEndpoint, block: LoopbackAddressBlock, instances: [String: ScriptedMySQLServer]) {
        self.topology = topology
        self.endpoints = endpoints
        self.stateDirectory = stateDirectory
        self.ownsStateDirectory = ownsStateDirectory
        self.account = account
        self.aws = aws
        self.block = block
        self.instances = instances
    }

    /// Starts everything; on any failure what was started is stopped again and the error says what to fix.
    /// Relative file paths in the topology are resolved against `baseDirectory`.
    public static func start(_ topology: Topology, baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                             stateDirectory: URL? = nil, logger: Logger = Logger(label: "cloudsandbox")) async throws -> Sandbox {
        try topology.validate()
        let owns = stateDirectory == nil
        let state = stateDirectory ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("cloudsandbox-\(UUID().uuidString.prefix(8))")
        let block = try LoopbackAddressBlock.reserve()
        let certificates = try SandboxCertificates(region: topology.region, directory: state.appendingPathComponent("certs"))
        let account = AccountState(accountID: topology.accountId ?? "123456789012", region: topology.region)
        var started: [String: ScriptedMySQLServer] = [:]
        var aws: AWSEndpoint?
        do {
            var databases: [String: Endpoints.Database] = [:]
            for (index, spec) in topology.databases.enumerated() {
                let (server, database) = try await Self.startDatabase(spec, index: index, host: try block.address(10 + index), account: account,
                                                                      certificates: certificates, baseDirectory: baseDirectory, logger: logger)
                started[spec.id] = server
                databases[spec.id] = database
            }
            let credentials = try AccountProvisioner.provision(topology, into: account, databases: databases)
            let endpoint = try await AWSEndpoint.start(account: account, host: try block.address(2), logger: logger)
            aws = endpoint
            let endpoints = Endpoints(databases: databases, aws: .init(endpoint: endpoint.url, region: topology.region, accountId: account.accountID),
                                      credentials: credentials)
            return Sandbox(topology: topology, endpoints: endpoints, stateDirectory: state, ownsStateDirectory: owns, account: account,
                           aws: endpoint, block: block, instances: started)
        } catch {
            for server in started.values { await server.shutdown() }
            await aws?.stop()
            block.release()
            throw error
        }
    }

    /// Starts one scripted instance and registers it with RDS (DescribeDBInstances, proxy targets).
    private static func startDatabase(_ spec: Topology.DatabaseInstance, index: Int, host: String, account: AccountState,
                                      certificates: SandboxCertificates, baseDirectory: URL,
                                      logger: Logger) async throws -> (ScriptedMySQLServer, Endpoints.Database) {
        let endpoint = "\(spec.id).\(account.rdsEndpointSuffix).\(account.region).rds.amazonaws.com"
        let configuration = try DatabaseInstanceFactory.configuration(
            for: spec, path: "databases[\(index)]", host: host, endpoint: endpoint, certificates: certificates,
            baseDirectory: baseDirectory, logger: logger)
        let server = try ScriptedMySQLServer(configuration: configuration)
        do { try await server.start() } catch {
            await server.shutdown()
            throw error
        }
        let engineVersion = spec.engineVersion ?? "8.0.36"
        account.registerDBInstance(DBInstanceRecord(identifier: spec.id, engineVersion: engineVersion, address: endpoint, port: server.port,
                                                    masterUsername: spec.users[0].name, dbName: spec.databases?.first,
                                                    region: account.region, accountID: account.accountID))
        let tlsMode = spec.tls ?? .optional
        let database = Endpoints.Database(host: host, port: server.port, endpoint: endpoint,
                                          caBundle: tlsMode == .disabled ? nil : certificates.rdsBundlePath, tls: tlsMode.rawValue,
                                          users: Dictionary(spec.users.map { ($0.name, $0.password) }, uniquingKeysWith: { a, _ in a }))
        return (server, database)
    }

    /// The scripted server behind database instance `id` (rules, query log, kill, restart).
    public func database(_ id: String) -> ScriptedMySQLServer? { self.instances[id] }

    /// Stops everything and frees the sandbox's addresses.
    public func shutdown() async {
        await self.aws.stop()
        for server in self.instances.values { await server.shutdown() }
        self.block.release()
        if self.ownsStateDirectory { try? FileManager.default.removeItem(at: self.stateDirectory) }
    }
}
