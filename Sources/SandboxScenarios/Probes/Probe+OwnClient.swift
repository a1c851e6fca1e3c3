import CloudSandbox
import NIOCore
import NIOSSL
import SandboxMySQLNIO
import SandboxMySQLWire

extension Probe {
    /// A login with our own client, for what libmariadb does not do: a driver from before pluggable authentication
    /// (node's `mysql`: no CLIENT_PLUGIN_AUTH, a mysql_native_password scramble), or one that, as MySQL's
    /// libmysqlclient, sends no clear-text password unless the plugin is enabled; over TLS verified with the
    /// target's CA bundle.
    static func connectWithOwnClient(_ probe: ConnectProbe, in sandbox: Sandbox, timeout: UInt32) async -> Observation {
        guard let target = sandbox.address(of: probe.target),
            let password = try? sandbox.password(for: probe, endpoint: target.endpoint)
        else {
            return Observation(
                succeeded: false,
                text: "no proxy, instance or cluster '\(probe.target)', or no credentials for the probe's role"
            )
        }
        var configuration = MySQLClientConfiguration(
            username: probe.user,
            password: password,
            database: probe.database,
            tls: probe.tls ? .required : .disabled
        )
        configuration.pluginAuth = !probe.legacyClient
        configuration.enablesCleartextPlugin = probe.clearText
        var tls: MySQLConnection.TLS?
        if probe.tls, let bundle = target.caBundle {
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.trustRoots = .file(bundle)
            settings.certificateVerification = .noHostnameVerification
            tls = MySQLConnection.TLS(configuration: settings)
        }
        do {
            let connection = try await MySQLConnection.connect(
                host: target.host,
                port: target.port,
                configuration: configuration,
                tls: tls,
                connectTimeout: .seconds(Int64(timeout)),
                loginTimeout: .seconds(Int64(timeout))
            )
            _ = try await connection.query(probe.sql ?? "SELECT 1")
            await connection.close()
            return Observation(succeeded: true, text: "connected; \(probe.sql ?? "SELECT 1") answered")
        } catch let MySQLClientError.server(error) {
            return Observation(succeeded: false, text: "\(error)", mysqlError: UInt32(error.code))
        } catch MySQLClientError.cleartextPluginDisabled {
            return Observation(succeeded: false, text: "\(MySQLClientError.cleartextPluginDisabled)", mysqlError: 2059)
        } catch {
            return Observation(succeeded: false, text: "\(error)")
        }
    }
}
