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
    private let block: LoopbackAddressBlock
    private let instances: [String: ScriptedMySQLServer]
    private let ownsStateDirectory: Bool

    private init(topology: Topology, endpoints: Endpoints, stateDirectory: URL, ownsStateDirectory: Bool,
                 block: LoopbackAddressBlock, instances: [String: ScriptedMySQLServer]) {
        self.topology = topology
        self.endpoints = endpoints
        self.stateDirectory = stateDirectory
        self.ownsStateDirectory = ownsStateDirectory
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
        let accountSuffix = ResourceNames.suffix(12)
        var started: [String: ScriptedMySQLServer] = [:]
        var databases: [String: Endpoints.Database] = [:]
        do {
            for (index, spec) in topology.databases.enumerated() {
                let host = try block.address(10 + index)
                let endpoint = ResourceNames.instanceEndpoint(id: spec.id, accountSuffix: accountSuffix, region: topology.region)
                let configuration = try DatabaseInstanceFactory.configuration(
                    for: spec, path: "databases[\(index)]", host: host, endpoint: endpoint, certificates: certificates,
                    baseDirectory: baseDirectory, logger: logger)
                let server = try ScriptedMySQLServer(configuration: configuration)
                started[spec.id] = server
                try await server.start()
                let tlsMode = spec.tls ?? .optional
                databases[spec.id] = .init(host: host, port: server.port, endpoint: endpoint,
                                           caBundle: tlsMode == .disabled ? nil : certificates.rdsBundlePath, tls: tlsMode.rawValue,
                                           users: Dictionary(spec.users.map { ($0.name, $0.password) }, uniquingKeysWith: { a, _ in a }))
            }
        } catch {
            for server in started.values { await server.shutdown() }
            block.release()
            throw error
        }
        return Sandbox(topology: topology, endpoints: Endpoints(databases: databases), stateDirectory: state,
                       ownsStateDirectory: owns, block: block, instances: started)
    }

    /// The scripted server behind database instance `id` (rules, query log, kill, restart).
    public func database(_ id: String) -> ScriptedMySQLServer? { self.instances[id] }

    /// Stops everything and frees the sandbox's addresses.
    public func shutdown() async {
        for server in self.instances.values { await server.shutdown() }
        self.block.release()
        if self.ownsStateDirectory { try? FileManager.default.removeItem(at: self.stateDirectory) }
    }
}
