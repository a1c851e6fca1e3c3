import Foundation
import Logging
import MySQLWire
import NIOSSL
import ScriptedMySQL

/// Turns a topology's database instance into a scripted server's configuration.
enum DatabaseInstanceFactory {
    static func configuration(for spec: Topology.DatabaseInstance, path: String, host: String, endpoint: String,
                              certificates: SandboxCertificates, baseDirectory: URL, logger: Logger) throws -> ScriptedMySQLConfiguration {
        var seed: [(database: String, sql: String)] = []
        if let schema = spec.schema {
            let file = baseDirectory.appendingPathComponent(schema).standardizedFileURL.path
            guard let sql = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw TopologyError(path: "\(path).schema", "cannot read '\(file)'; paths are relative to the topology file")
            }
            seed.append((spec.schemaDatabase ?? spec.databases?.first ?? "app", sql))
        }
        var rules: [ScriptRule] = []
        if let script = spec.script {
            let file = baseDirectory.appendingPathComponent(script).standardizedFileURL.path
            do {
                rules = try ScriptFile.load(path: file)
            } catch {
                throw TopologyError(path: "\(path).script", "\(error)")
            }
        }
        let tlsMode = spec.tls ?? .optional
        var tls: TLSConfiguration?
        if tlsMode != .disabled {
            let certificate = try certificates.rdsCA.issueServerCertificate(
                commonName: endpoint, dnsNames: [endpoint, "*." + endpoint.split(separator: ".").dropFirst().joined(separator: ".")],
                ipAddresses: [host])
            tls = try certificate.serverTLSConfiguration()
        }
        var instanceLogger = logger
        instanceLogger[metadataKey: "db.instance"] = "\(spec.id)"
        return ScriptedMySQLConfiguration(
            host: host, serverVersion: spec.engineVersion ?? "8.0.36",
            users: spec.users.map { MySQLUser(name: $0.name, password: $0.password, plugin: $0.plugin ?? .cachingSHA2Password, host: $0.host ?? "%") },
            databases: spec.databases ?? [], seedSQL: seed, maxConnections: spec.maxConnections ?? 151,
            requireSecureTransport: tlsMode == .required, tls: tls, rules: rules, logger: instanceLogger)
    }
}
