import Foundation
import SandboxSigV4

/// A database or proxy a function can dial: its DNS name, where it listens here, and the CA that signed it.
public struct DatabaseTarget: Sendable, Equatable {
    /// The protocol it speaks (a proxy's engine family).
    public enum Engine: String, Sendable {
        case mysql, postgres

        /// The port IAM tokens are signed for: the engine's port in the VPC.
        public var port: Int { self == .postgres ? 5432 : 3306 }
    }

    /// `<name>.proxy-<id>.<region>.rds.amazonaws.com` or the instance's endpoint.
    public var endpoint: String
    public var host: String
    public var port: Int
    /// The PEM of the CA bundle that verifies it; nil when it offers no TLS.
    public var caPEM: String?
    public var engine: Engine

    public init(endpoint: String, host: String, port: Int, caPEM: String?, engine: Engine = .mysql) {
        self.endpoint = endpoint
        self.host = host
        self.port = port
        self.caPEM = caPEM
        self.engine = engine
    }
}

/// What a function may dial and as whom: the sandbox's databases and proxies, the function's own loopback alias
/// (its ENI, or an address outside every VPC) and its execution role's credentials. `SandboxLambdaDatabase` connects
/// with it (`context.database`), as code in AWS would.
public struct FunctionDatabases: Sendable {
    /// Targets by proxy name, instance id and DNS name.
    public let targets: [String: DatabaseTarget]
    public let sourceAddress: String?
    public let credentials: AWSCredentials
    public let region: String

    public init(targets: [String: DatabaseTarget], sourceAddress: String?, credentials: AWSCredentials, region: String)
    {
        self.targets = targets
        self.sourceAddress = sourceAddress
        self.credentials = credentials
        self.region = region
    }

    public struct UnknownTarget: Error, CustomStringConvertible {
        public var description: String
    }

    /// The target named `name`; the error lists the names there are.
    public func resolve(_ name: String) throws(UnknownTarget) -> DatabaseTarget {
        guard let resolved = self.targets[name] else {
            throw UnknownTarget(
                description:
                    "no database or proxy '\(name)' in this sandbox; known: "
                    + "\(self.targets.keys.sorted().joined(separator: ", "))"
            )
        }
        return resolved
    }

    /// The token `generate_db_auth_token` would make for `target` on its engine's port (3306 or 5432) with the role's
    /// credentials.
    public func authToken(for target: String, user: String) throws(UnknownTarget) -> String {
        let resolved = try self.resolve(target)
        return RDSAuthToken.generate(
            host: resolved.endpoint,
            port: resolved.engine.port,
            region: self.region,
            user: user,
            credentials: self.credentials
        )
    }
}
