import Foundation
import SandboxRedaction
import SandboxSigV4
import SandboxVirtualNetwork

/// Where everything in a running sandbox listens: the JSON endpoints file outside clients read.
/// Later steps add keys beside `databases`; the shape of existing keys stays.
public struct Endpoints: Sendable, Codable, Equatable {
    public struct Database: Sendable, Codable, Equatable {
        public var host: String
        public var port: Int
        /// The AWS-style DNS name (in the certificate's SANs).
        public var endpoint: String
        /// PEM file of the CA that signed this instance's certificate; `nil` when TLS is disabled.
        public var caBundle: String?
        public var tls: String
        public var users: [String: String]
        /// With a network: the instance's interface.
        public var eni: Interface?
        /// `postgres` for a PostgreSQL instance; nil for MySQL.
        public var engine: String?

        /// The port the instance serves in its VPC (3306 or 5432), which clients name in IAM tokens.
        public var servicePort: Int { self.engine == "postgres" ? 5432 : 3306 }

        package init(
            host: String,
            port: Int,
            endpoint: String,
            caBundle: String? = nil,
            tls: String,
            users: [String: String],
            eni: Interface? = nil,
            engine: String? = nil
        ) {
            self.engine = engine
            self.host = host
            self.port = port
            self.endpoint = endpoint
            self.caBundle = caBundle
            self.tls = tls
            self.users = users
            self.eni = eni
        }
    }

    /// An ENI: its VPC address, subnet and groups, and the loopback alias that carries it here.
    public struct Interface: Sendable, Codable, Equatable {
        public var privateIp: String
        public var subnet: String
        public var securityGroups: [String]
        /// Listeners bind it; clients acting as this interface bind it as their source address.
        public var loopback: String

        package init(_ eni: ENI) {
            self.privateIp = eni.privateIP.description
            self.subnet = eni.subnet
            self.securityGroups = eni.securityGroups
            self.loopback = eni.loopback ?? ""
        }
    }

    /// An RDS Proxy: dial `host:port`, verify against `caBundle` with the name `endpoint`.
    public struct Proxy: Sendable, Codable, Equatable {
        public var endpoint: String
        public var host: String
        public var port: Int
        public var requireTLS: Bool
        /// Whether some auth entry requires IAM tokens.
        public var iamAuth: Bool
        /// `prx-…`: the resource of `rds-db:connect` policies (`dbuser:<resourceId>/<user>`).
        public var resourceId: String
        public var caBundle: String
        public var eni: Interface?
        /// Its additional endpoints by name (each dialled and verified as the proxy is, with its own name).
        public var endpoints: [String: ProxyEndpoint]?
        /// `POSTGRESQL` for a proxy in front of PostgreSQL; nil for MySQL.
        public var engineFamily: String?

        /// The port the proxy serves in its VPC (3306 or 5432), which clients name in IAM tokens.
        public var servicePort: Int { self.engineFamily == "POSTGRESQL" ? 5432 : 3306 }

        package init(
            endpoint: String,
            host: String,
            port: Int,
            requireTLS: Bool,
            iamAuth: Bool,
            resourceId: String,
            caBundle: String,
            eni: Interface? = nil,
            endpoints: [String: ProxyEndpoint]? = nil,
            engineFamily: String? = nil
        ) {
            self.engineFamily = engineFamily
            self.endpoint = endpoint
            self.host = host
            self.port = port
            self.requireTLS = requireTLS
            self.iamAuth = iamAuth
            self.resourceId = resourceId
            self.caBundle = caBundle
            self.eni = eni
            self.endpoints = endpoints
        }
    }

    /// An additional endpoint of a proxy: READ_ONLY ones reach the cluster's readers.
    public struct ProxyEndpoint: Sendable, Codable, Equatable {
        public var endpoint: String
        public var host: String
        public var port: Int
        public var targetRole: String
        public var eni: Interface?

        package init(endpoint: String, host: String, port: Int, targetRole: String, eni: Interface? = nil) {
            self.endpoint = endpoint
            self.host = host
            self.port = port
            self.targetRole = targetRole
            self.eni = eni
        }
    }

    /// Where connections from this machine's 127.0.0.1 come from in the network.
    public struct OperatorHost: Sendable, Codable, Equatable {
        public var source: String
        public var placement: String

        package init(source: String, placement: String) {
            self.source = source
            self.placement = placement
        }
    }

    /// The AWS endpoint (`--endpoint-url` / `AWS_ENDPOINT_URL`) and its account.
    public struct AWS: Sendable, Codable, Equatable {
        public var endpoint: String
        public var region: String
        public var accountId: String

        package init(endpoint: String, region: String, accountId: String) {
            self.endpoint = endpoint
            self.region = region
            self.accountId = accountId
        }
    }

    /// Credentials for a user (its access key), a role (session credentials) or `root`.
    public struct Credentials: Sendable, Codable, Equatable {
        public var accessKeyId: String
        public var secretAccessKey: String
        public var sessionToken: String?
        /// ISO 8601, for session credentials.
        public var expiration: String?

        /// The keys as a signer takes them.
        public var awsCredentials: AWSCredentials {
            AWSCredentials(
                accessKeyID: self.accessKeyId,
                secretAccessKey: self.secretAccessKey,
                sessionToken: self.sessionToken
            )
        }

        package init(_ credentials: AWSCredentials, expires: Date? = nil) {
            self.accessKeyId = credentials.accessKeyID
            self.secretAccessKey = credentials.secretAccessKey
            self.sessionToken = credentials.sessionToken
            self.expiration = expires.map { ISO8601DateFormatter().string(from: $0) }
        }
    }

    /// An Aurora-style cluster: its endpoints' names, the port every member serves, its members (and the writer
    /// when the sandbox started; DescribeDBClusters says which it is now). Each member is under `databases`.
    public struct Cluster: Sendable, Codable, Equatable {
        public var endpoint: String
        public var readerEndpoint: String
        public var port: Int
        public var members: [String]
        public var writer: String

        package init(endpoint: String, readerEndpoint: String, port: Int, members: [String], writer: String) {
            self.endpoint = endpoint
            self.readerEndpoint = readerEndpoint
            self.port = port
            self.members = members
            self.writer = writer
        }
    }

    /// An HTTP API: its URL here, its id and the execute-api name it would have in AWS.
    public struct API: Sendable, Codable, Equatable {
        public var url: String
        public var id: String
        public var endpoint: String
        public var routes: [String]

        package init(url: String, id: String, endpoint: String, routes: [String]) {
            self.url = url
            self.id = id
            self.endpoint = endpoint
            self.routes = routes
        }
    }

    /// A Lambda function: its ARN, execution role and where its traffic leaves from.
    public struct Function: Sendable, Codable, Equatable {
        public var arn: String
        public var role: String
        /// swift, builtin or process.
        public var kind: String
        /// With VpcConfig: its ENI; without, it runs outside every VPC.
        public var eni: Interface?

        package init(arn: String, role: String, kind: String, eni: Interface? = nil) {
            self.arn = arn
            self.role = role
            self.kind = kind
            self.eni = eni
        }
    }

    /// The process serving the sandbox (`sandbox up`), for `sandbox status` and `sandbox down`.
    public struct Process: Sendable, Codable, Equatable {
        public var pid: Int32
        /// ISO 8601.
        public var started: String
        public var topology: String
        public init(pid: Int32, started: String, topology: String) {
            self.pid = pid
            self.started = started
            self.topology = topology
        }
    }

    public var process: Process?
    public var databases: [String: Database]
    public var apis: [String: API]?
    public var functions: [String: Function]?
    public var aws: AWS?
    public var credentials: [String: Credentials]?
    /// With a network: the in-VPC client hosts (bind `loopback` to connect as them) and the operator's placement.
    public var hosts: [String: Interface]?
    public var operatorHost: OperatorHost?
    public var proxies: [String: Proxy]?
    public var clusters: [String: Cluster]?

    public init(
        databases: [String: Database] = [:],
        aws: AWS? = nil,
        credentials: [String: Credentials]? = nil,
        hosts: [String: Interface]? = nil,
        operatorHost: OperatorHost? = nil
    ) {
        self.databases = databases
        self.aws = aws
        self.credentials = credentials
        self.hosts = hosts
        self.operatorHost = operatorHost
    }

    /// Adds the network's view: the hosts' interfaces and where the operator host sits.
    package mutating func describe(_ model: NetworkModel, hosts: [NetworkSpec.Host]) {
        self.hosts = Dictionary(
            uniqueKeysWithValues: hosts.compactMap { host in model.eni(owner: host.id).map { (host.id, Interface($0)) }
            }
        )
        self.operatorHost = OperatorHost(
            source: "127.0.0.1",
            placement: model.operatorENI.map { "\($0.subnet) in \($0.securityGroups.joined(separator: ", "))" }
                ?? "outside the VPC (rules see \(model.operatorPublicAddress))"
        )
    }

    /// Writes the file atomically, readable only by its owner (it holds passwords).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(self).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    public static func read(from path: String) throws -> Endpoints {
        try JSONDecoder().decode(Endpoints.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

extension Endpoints.Credentials: RedactedWhenRendered {
    public var renderedFields: KeyValuePairs<String, Any> {
        [
            "accessKeyId": self.accessKeyId, "secretAccessKey": Redacted(),
            "sessionToken": Redacted(self.sessionToken) as Any,
            "expiration": self.expiration as Any,
        ]
    }
}
