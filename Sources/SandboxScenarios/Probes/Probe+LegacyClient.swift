import CloudSandbox
import MySQLNIO
import MySQLWire
import NIOCore
import NIOSSL

extension Probe {
    /// A login with a driver from before pluggable authentication (node's `mysql`): our own client without
    /// CLIENT_PLUGIN_AUTH, sending a mysql_native_password scramble, over TLS verified with the target's CA bundle.
    static func connectLegacy(_ probe: ConnectProbe, in sandbox: Sandbox, timeout: UInt32) async -> Observation {
        guard let target = sandbox.address(of: probe.target), let password = probe.password else {
            return Observation(succeeded: false, text: "a legacy client logs in with a password to a proxy or instance of the sandbox")
        }
        var configuration = MySQLClientConfiguration(username: probe.user, password: password, database: probe.database, tls: probe.tls ? .required : .disabled)
        configuration.pluginAuth = false
        var tls: MySQLConnection.TLS?
        if probe.tls, let bundle = target.caBundle {
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.trustRoots = .file(bundle)
            settings.certificateVerification = .noHostnameVerification
            tls = MySQLConnection.TLS(configuration: settings)
        }
        do {
            let connection = try await MySQLConnection.connect(host: target.host, port: target.port, configuration: configuration, tls: tls,
                                                               connectTimeout: .seconds(Int64(timeout)), loginTimeout: .seconds(Int64(timeout)))
            _ = try await connection.query(probe.sql ?? "SELECT 1")
            await connection.close()
            return Observation(succeeded: true, text: "connected (a driver without authentication plugins); \(probe.sql ?? "SELECT 1") answered")
        } catch let MySQLClientError.server(error) {
            return Observation(succeeded: false, text: "ERROR \(error.code) (\(error.sqlState)): \(error.message)", mysqlError: UInt32(error.code))
        } catch {
            return Observation(succeeded: false, text: "\(error)")
        }
    }
}
