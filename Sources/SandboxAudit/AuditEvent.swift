import Foundation

/// One decision the sandbox made: a connection admitted or denied by the network, a login accepted or refused by a
/// proxy (and why: the token's verdict, the policy's), an IAM evaluation with the statements that decided, an AWS
/// API call, an invocation, an HTTP API request, a cluster's failover begun or refused.
public struct AuditEvent: Sendable, Codable, Equatable {
    /// Where the decision was made.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case connection, login, authorization
        case apiCall = "api-call"
        case invocation, request, failover
    }

    /// Increasing; `events(after:)` reads on from the last one seen.
    public var id: Int64
    public var time: Date
    /// The module that decided (VirtualNetwork, RDSProxy, FakeAWS, Lambda, APIGateway).
    public var component: String
    public var kind: Kind
    /// Who or what it was about: a user, a principal, a function, a route, a connection's source.
    public var subject: String
    /// `accepted`, `denied`, `refused`, `allowed`, `ok`, `error`, `timeout`, `closed`, …
    public var outcome: String
    public var reason: String
    /// The rest of what was recorded (secrets redacted).
    public var details: [String: String]

    public init(
        id: Int64 = 0,
        time: Date = Date(),
        component: String,
        kind: Kind,
        subject: String,
        outcome: String,
        reason: String,
        details: [String: String] = [:]
    ) {
        self.id = id
        self.time = time
        self.component = component
        self.kind = kind
        self.subject = subject
        self.outcome = outcome
        self.reason = reason
        self.details = details
    }

    /// The component a decision is filed under: the deciding module's name without the package's prefix
    /// (`SandboxRDSProxy` → `RDSProxy`), the service users know it as.
    public static func component(ofModule module: Substring) -> String {
        guard module.hasPrefix("Sandbox"), let next = module.dropFirst(7).first, next.isUppercase else {
            return String(module)
        }
        return String(module.dropFirst(7))
    }

    /// `2026-12-01T21:40:03.120Z RDSProxy login app refused: …`.
    public var line: String {
        "\(Self.timeFormat.format(self.time)) \(self.component) \(self.kind.rawValue) \(self.subject) \(self.outcome)"
            + (self.reason.isEmpty ? "" : ": \(self.reason)")
    }

    /// ISO 8601 with milliseconds, in UTC: how times are stored, sent and printed.
    public static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private enum CodingKeys: String, CodingKey { case id, time, component, kind, subject, outcome, reason, details }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let time = try container.decode(String.self, forKey: .time)
        self.init(
            id: try container.decode(Int64.self, forKey: .id),
            time: (try? Self.timeFormat.parse(time)) ?? Date(timeIntervalSince1970: 0),
            component: try container.decode(String.self, forKey: .component),
            kind: try container.decode(Kind.self, forKey: .kind),
            subject: try container.decode(String.self, forKey: .subject),
            outcome: try container.decode(String.self, forKey: .outcome),
            reason: try container.decode(String.self, forKey: .reason),
            details: try container.decode([String: String].self, forKey: .details)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(Self.timeFormat.format(self.time), forKey: .time)
        try container.encode(self.component, forKey: .component)
        try container.encode(self.kind, forKey: .kind)
        try container.encode(self.subject, forKey: .subject)
        try container.encode(self.outcome, forKey: .outcome)
        try container.encode(self.reason, forKey: .reason)
        try container.encode(self.details, forKey: .details)
    }
}

/// Which events to read: all by default.
public struct AuditQuery: Sendable, Equatable {
    public var after: Int64
    public var kind: AuditEvent.Kind?
    public var component: String?
    public var outcome: String?
    /// Text the subject, reason or details contain.
    public var containing: String?
    /// The last `limit` events that match.
    public var limit: Int

    public init(
        after: Int64 = 0,
        kind: AuditEvent.Kind? = nil,
        component: String? = nil,
        outcome: String? = nil,
        containing: String? = nil,
        limit: Int = 1_000
    ) {
        self.after = after
        self.kind = kind
        self.component = component
        self.outcome = outcome
        self.containing = containing
        self.limit = limit
    }
}
