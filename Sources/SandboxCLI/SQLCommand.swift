import ArgumentParser
import CloudSandbox
import Foundation
import SandboxJSON
import SandboxMariaDBClient
import SandboxPostgresNIO
import SandboxPostgresWire
import SandboxScenarios

/// The login options `sql` and `token` share: who, and how.
struct LoginOptions: ParsableArguments {
    @Option(help: "The database user.") var user: String
    @Option(name: .customLong("as"), help: "Log in with an IAM token signed as this role or user of the sandbox.")
    var role: String?
    @Option(help: "Log in with this password instead.") var password: String?

    func probe(target: String) throws -> ConnectProbe {
        guard (self.role == nil) != (self.password == nil) else {
            throw ValidationError("give exactly one of --as ROLE (an IAM token) and --password")
        }
        return ConnectProbe(target: target, user: self.user, iamRole: self.role, password: self.password)
    }
}

/// `sandbox sql TARGET --user U (--as ROLE | --password P) -e SQL …`: statements through a proxy or to an instance
/// of the running sandbox with libmariadb, or the PostgreSQL client for a PostgreSQL target (TLS verified with the
/// target's CA bundle), printed as `mariadb -B` does. Exits 1 with the server's error.
struct SQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract:
            "Run statements through a proxy or on an instance of the running sandbox, as a role (IAM token) or "
            + "with a password."
    )

    @Argument(help: "A proxy name, instance id or cluster id.") var target: String
    @OptionGroup var login: LoginOptions
    @Option(help: "The default database.") var database: String?
    @Option(name: .shortAndLong, help: "A statement (repeat for several, run in order).") var execute: [String] = []
    @Flag(help: "JSON: [{columns, rows, affectedRows}] per statement.") var json = false
    @OptionGroup var sandbox: RunningSandbox

    func run() async throws {
        guard !self.execute.isEmpty else { throw ValidationError("give a statement with -e \"SELECT …\"") }
        let endpoints = try self.sandbox.endpoints()
        if endpoints.address(of: self.target)?.postgres == true { return try await self.runPostgres(endpoints) }
        let connection: MariaDBConnection
        do {
            connection = try await endpoints.connect(try self.login.probe(target: self.target), database: self.database)
        } catch let error as MariaDBError {
            try Self.fail(error)
        }
        var results: [JSONValue] = []
        for statement in self.execute {
            do {
                let result = try await MariaDB.offload { try connection.query(statement) }
                if self.json {
                    results.append([
                        "columns": .array(result.columns.map(JSONValue.string)),
                        "rows": .array(
                            result.rows.map { row in .array(row.map { $0.map(JSONValue.string) ?? .null }) }
                        ),
                        "affectedRows": .int(Int64(result.affectedRows)),
                    ])
                } else if !result.columns.isEmpty {
                    print(result.columns.joined(separator: "\t"))
                    for row in result.rows { print(row.map { $0 ?? "NULL" }.joined(separator: "\t")) }
                }
            } catch let error as MariaDBError {
                try Self.fail(error)
            }
        }
        if self.json { print(JSONValue.array(results).text) }
    }

    /// The statements on a PostgreSQL target (an RDS Proxy for PostgreSQL, a postgres instance), over TLS verified
    /// with its CA bundle, into `--database` (else `postgres`); printed as for MySQL, a refusal as psql prints it.
    private func runPostgres(_ endpoints: Endpoints) async throws {
        var probe = try self.login.probe(target: self.target)
        probe.database = self.database
        let connection: PostgresClientConnection
        do {
            connection = try await endpoints.connectPostgres(probe)
        } catch let error as PostgresClientError {
            try Self.fail(error.serverError.map(Self.psqlText) ?? "\(error)")
        }
        var results: [JSONValue] = []
        for statement in self.execute {
            let result = try await connection.run(statement)
            if let error = result.error { try Self.fail(Self.psqlText(error)) }
            let rows = result.textRows
            if self.json {
                results.append([
                    "columns": .array(result.columns.map { .string($0.name) }),
                    "rows": .array(rows.map { row in .array(row.map { $0.map(JSONValue.string) ?? .null }) }),
                    "affectedRows": .int(result.affectedRows),
                ])
            } else if !result.columns.isEmpty {
                print(result.columns.map(\.name).joined(separator: "\t"))
                for row in rows { print(row.map { $0 ?? "NULL" }.joined(separator: "\t")) }
            }
        }
        await connection.close()
        if self.json { print(JSONValue.array(results).text) }
    }

    /// A PostgreSQL error as psql prints it (`FATAL:  message`), with its SQLSTATE.
    private static func psqlText(_ error: PostgresError) -> String {
        "\(error.severity.rawValue):  \(error.message) (SQLSTATE \(error.sqlState))"
    }

    /// The server's error on stderr, as the mariadb client prints it; exit status 1 (the shell goes on).
    static func fail(_ error: some CustomStringConvertible) throws -> Never {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        throw ExitCode(1)
    }
}

/// `sandbox token PROXY --user U --as ROLE`: an RDS IAM auth token, as `aws rds generate-db-auth-token` makes it,
/// for the proxy's (or instance's) endpoint on its engine's port (3306, 5432), signed with the role's credentials from
/// the endpoints file.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print an IAM auth token for a proxy or instance, signed as a role of the running sandbox."
    )

    @Argument(help: "A proxy name, instance id or cluster id.") var target: String
    @Option(help: "The database user.") var user: String
    @Option(name: .customLong("as"), help: "The role or user whose credentials sign it.") var role: String
    @OptionGroup var sandbox: RunningSandbox

    func run() throws {
        let endpoints = try self.sandbox.endpoints()
        guard let address = endpoints.address(of: self.target) else {
            throw ValidationError("no proxy, instance or cluster '\(self.target)' in the running sandbox")
        }
        do {
            print(
                try endpoints.password(
                    for: ConnectProbe(target: self.target, user: self.user, iamRole: self.role),
                    endpoint: address.endpoint,
                    defaultPort: address.postgres ? 5432 : 3306
                )
            )
        } catch {
            throw ValidationError(error.message)
        }
    }
}
