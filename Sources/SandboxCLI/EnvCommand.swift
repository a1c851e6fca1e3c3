import ArgumentParser
import CloudSandbox
import Foundation

/// `sandbox env [--as PRINCIPAL] [--database ID --db-user USER]`: export lines for a shell, so the aws CLI and
/// SDKs act as a user or role of the running sandbox against its endpoint, and the `mariadb` client (or, for a
/// PostgreSQL instance, `psql`) finds an instance: `eval "$(sandbox env --as developer)"`.
struct EnvCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract:
            "Print export lines for the aws CLI/SDKs (as a user or role) and the mariadb client or psql (an instance)."
    )

    @Option(name: .customLong("as"), help: "The user or role whose credentials to export (default: root).")
    var principal: String = "root"
    @Option(
        help: ArgumentHelp(
            "An instance for the mariadb client (MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_PWD) or psql (PGHOST, PGPORT, "
                + "PGUSER, PGPASSWORD, PGSSLROOTCERT)."
        )
    )
    var database: String?
    @Option(help: "The instance's user whose password to export (default: its only user).") var dbUser: String?
    @OptionGroup var sandbox: RunningSandbox

    func run() throws {
        let endpoints = try self.sandbox.endpoints()
        for line in try Self.lines(endpoints, principal: self.principal, database: self.database, user: self.dbUser) {
            print(line)
        }
    }

    static func lines(_ endpoints: Endpoints, principal: String, database: String?, user: String?) throws -> [String] {
        guard let aws = endpoints.aws, let credentials = endpoints.credentials?[principal] else {
            let known = (endpoints.credentials ?? [:]).keys.sorted().joined(separator: ", ")
            throw ValidationError("no credentials for '\(principal)' in the endpoints file; it has: \(known)")
        }
        var lines = [
            "export AWS_ENDPOINT_URL=\(Self.quoted(aws.endpoint))", "export AWS_REGION=\(aws.region)",
            "export AWS_DEFAULT_REGION=\(aws.region)",
            "export AWS_ACCESS_KEY_ID=\(credentials.accessKeyId)",
            "export AWS_SECRET_ACCESS_KEY=\(Self.quoted(credentials.secretAccessKey))",
        ]
        lines.append(
            credentials.sessionToken.map { "export AWS_SESSION_TOKEN=\(Self.quoted($0))" } ?? "unset AWS_SESSION_TOKEN"
        )
        if let database {
            guard let instance = endpoints.databases[database] else {
                throw ValidationError(
                    "no instance '\(database)'; the sandbox has: "
                        + "\(endpoints.databases.keys.sorted().joined(separator: ", "))"
                )
            }
            let users = instance.users.keys.sorted()
            guard let name = user ?? (users.count == 1 ? users[0] : nil), let password = instance.users[name] else {
                throw ValidationError(
                    "name one of \(database)'s users with --db-user: \(users.joined(separator: ", "))"
                )
            }
            if instance.engine == "postgres" {
                lines += [
                    "export PGHOST=\(instance.host)", "export PGPORT=\(instance.port)",
                    "export PGUSER=\(Self.quoted(name))",
                    "export PGPASSWORD=\(Self.quoted(password))",
                ]
                lines +=
                    instance.caBundle.map {
                        ["export PGSSLROOTCERT=\(Self.quoted($0))", "export PGSSLMODE=verify-full"]
                    } ?? ["export PGSSLMODE=disable"]
                lines.append("# then: psql -d <database>")
            } else {
                lines += [
                    "export MYSQL_HOST=\(instance.host)", "export MYSQL_TCP_PORT=\(instance.port)",
                    "export MYSQL_PWD=\(Self.quoted(password))",
                    "# then: mariadb -u \(name)",
                ]
            }
        }
        return lines
    }

    /// A value as one shell word.
    static func quoted(_ value: String) -> String { "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
