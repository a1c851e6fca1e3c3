import Foundation
import SandboxAWSCore
import SandboxRDSProxy

/// What the control APIs answer and the `sandbox` command reads: one Codable type per answer, shared by both.

/// `GET /sandbox/clusters` (by cluster id) and `POST /sandbox/clusters/{id}/failover`.
public struct ClusterSummary: Codable, Sendable, Equatable {
    /// `available`, or `failing-over` while a reader is promoted.
    public var status: String
    public var writer: String
    public var members: [String]
    public var endpoint: String
    public var readerEndpoint: String
    /// The reader a failover begun by this request promotes.
    public var promoting: String?

    init(_ cluster: DBClusterRecord, promoting: String? = nil) {
        self.status = cluster.status.rawValue
        self.writer = cluster.writer ?? ""
        self.members = cluster.members.map(\.instanceIdentifier)
        self.endpoint = cluster.endpoint
        self.readerEndpoint = cluster.readerEndpoint
        self.promoting = promoting
    }

    public var isAvailable: Bool { self.status == DBClusterStatus.available.rawValue }
}

/// `GET /sandbox/proxies` (by proxy name): the proxy's statistics (its members at the top level), target health
/// and the latest login decisions.
public struct ProxyStatus: Codable, Sendable, Equatable {
    public var endpoint: String
    public var statistics: RDSProxyServer.Statistics
    public var targets: [TargetStatus]
    /// The latest (at most 50), oldest first. Reasons only: never a token or password.
    public var logins: [LoginDecision]

    public struct LoginDecision: Codable, Sendable, Equatable {
        public var user: String
        public var outcome: String
        public var reason: String
    }

    private enum CodingKeys: String, CodingKey { case endpoint, targets, logins }

    init(endpoint: String, statistics: RDSProxyServer.Statistics, targets: [TargetStatus], logins: [LoginDecision]) {
        (self.endpoint, self.statistics, self.targets, self.logins) = (endpoint, statistics, targets, logins)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.endpoint = try container.decode(String.self, forKey: .endpoint)
        self.statistics = try RDSProxyServer.Statistics(from: decoder)
        self.targets = try container.decode([TargetStatus].self, forKey: .targets)
        self.logins = try container.decode([LoginDecision].self, forKey: .logins)
    }

    public func encode(to encoder: any Encoder) throws {
        try self.statistics.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.endpoint, forKey: .endpoint)
        try container.encode(self.targets, forKey: .targets)
        try container.encode(self.logins, forKey: .logins)
    }
}

/// A proxy target's health as the control APIs show it.
public struct TargetStatus: Codable, Sendable, Equatable {
    public var instance: String
    public var state: String
    public var reason: String?
    public var description: String?

    init(_ target: DBProxyRecord.Target) {
        self.instance = target.instanceIdentifier
        self.state = target.state.rawValue
        self.reason = target.reason?.rawValue
        self.description = target.healthDescription
    }
}

/// A control API's refusal: AWS's code and message.
public struct ControlError: Codable, Sendable, Error, CustomStringConvertible {
    public var code: String
    public var message: String

    public var description: String { "\(self.code): \(self.message)" }
}

/// How the control APIs and the `sandbox` command write JSON: keys sorted, so answers are stable.
/// A function as `GET /sandbox/functions` lists it: never its environment (it holds the role's session credentials).
public struct FunctionSummary: Codable, Sendable, Equatable {
    /// swift, builtin or process.
    public var kind: String
    public var role: String
    /// Seconds.
    public var timeout: Double
    /// Its ENI's id; nil outside every VPC.
    public var eni: String?
    /// Its VPC's id, or "outside every VPC".
    public var vpc: String

    /// Every key, `eni` as null outside every VPC.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.kind, forKey: .kind)
        try container.encode(self.role, forKey: .role)
        try container.encode(self.timeout, forKey: .timeout)
        try container.encode(self.eni, forKey: .eni)
        try container.encode(self.vpc, forKey: .vpc)
    }
}

/// `GET /sandbox/functions/NAME/logs`: its latest log lines (START, what the code printed, END, REPORT).
public struct FunctionLogs: Codable, Sendable, Equatable {
    public var function: String
    public var lines: [String]
}

/// A control API's refusal that is not AWS's: what was wrong.
public struct ControlMessage: Codable, Sendable, Equatable {
    public var message: String
}

public enum ControlJSON {
    public static func encoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `value` as the text the `sandbox` command prints.
    public static func text(_ value: some Encodable) throws -> String {
        String(decoding: try Self.encoder().encode(value), as: UTF8.self)
    }
}
