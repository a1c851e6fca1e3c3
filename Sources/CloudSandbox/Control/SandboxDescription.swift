import Foundation

/// `GET /sandbox/describe`, what `sandbox describe` prints: the running sandbox's proxies (with their targets'
/// health, also by proxy under `targets`), secrets, roles, security groups, functions and APIs, by name. ARNs and
/// settings only, never a secret value.
public struct SandboxDescription: Codable, Sendable, Equatable {
    public var proxies: [String: Proxy]
    public var targets: [String: [TargetStatus]]
    public var secrets: [String: Secret]
    public var roles: [String: Role]
    public var securityGroups: [String: SecurityGroup]
    public var functions: [String: Function]
    public var apis: [String: API]

    /// The parts `sandbox describe WHAT` shows, by the name on its command line.
    public enum Section: String, CaseIterable, Sendable {
        case proxies, targets, secrets, roles
        case securityGroups = "security-groups"
        case functions, apis

        /// Its member's name in the JSON answer (`securityGroups`).
        var key: String { self == .securityGroups ? "securityGroups" : self.rawValue }
    }

    public struct Proxy: Codable, Sendable, Equatable {
        public var endpoint: String
        public var target: String
        public var requireTLS: Bool
        public var idleClientTimeout: Int
        public var role: String
        public var auth: [Auth]
        public var targets: [TargetStatus]

        public struct Auth: Codable, Sendable, Equatable {
            public var secret: String
            public var iamAuth: String
            public var clientPasswordAuthType: String
        }
    }

    public struct Secret: Codable, Sendable, Equatable {
        public var arn: String
        public var kmsKey: String
    }

    public struct Role: Codable, Sendable, Equatable {
        public var arn: String
        public var managedPolicies: [String]
        public var inlinePolicies: [String]
    }

    public struct SecurityGroup: Codable, Sendable, Equatable {
        public var vpc: String
        /// `tcp/3306 from sg-proxy`
        public var ingress: [String]
        public var egress: [String]
    }

    public struct Function: Codable, Sendable, Equatable {
        public var arn: String
        public var role: String
        public var kind: String
        public var timeout: Double
        /// `10.0.1.8 in subnet-app-a, sg-function`, or `outside every VPC`.
        public var placement: String
        public var database: String
    }

    public struct API: Codable, Sendable, Equatable {
        public var url: String
        /// `GET /items → items-function`
        public var routes: [String]
    }

    /// Section `section` alone, keyed by its JSON name (`securityGroups`), as `sandbox describe WHAT --json` prints it.
    public func json(_ section: Section?) throws -> String {
        let encoder = ControlJSON.encoder()
        guard let section else { return String(decoding: try encoder.encode(self), as: UTF8.self) }
        let data =
            switch section {
            case .proxies: try encoder.encode([section.key: self.proxies])
            case .targets: try encoder.encode([section.key: self.targets])
            case .secrets: try encoder.encode([section.key: self.secrets])
            case .roles: try encoder.encode([section.key: self.roles])
            case .securityGroups: try encoder.encode([section.key: self.securityGroups])
            case .functions: try encoder.encode([section.key: self.functions])
            case .apis: try encoder.encode([section.key: self.apis])
            }
        return String(decoding: data, as: UTF8.self)
    }

    /// What `sandbox describe [WHAT]` prints: each section's (or `only` that one's) entries by name, with their
    /// keys and values aligned (lists on one line, wrapped to `width`).
    public func text(only: Section? = nil, width: Int? = nil) -> String {
        func section(_ title: String, _ entries: [String: [(String, String)]]) -> [String] {
            guard !entries.isEmpty, only == nil || only?.key == title else { return [] }
            return ["\(title):"]
                + entries.keys.sorted().flatMap { name in
                    ["  \(name)"]
                        + TextTable([], rows: entries[name]!.sorted { $0.0 < $1.0 }.map { [$0.0, $0.1] }, indent: 4)
                        .lines(width: width)
                }
        }
        let targetLine = { (target: TargetStatus) in
            [
                target.description.map { "description=\($0)" }, "instance=\(target.instance)",
                target.reason.map { "reason=\($0)" }, "state=\(target.state)",
            ]
            .compactMap { $0 }.joined(separator: " ")
        }
        return
            (section(
                "proxies",
                self.proxies.mapValues { proxy in
                    [
                        ("endpoint", proxy.endpoint), ("target", proxy.target), ("requireTLS", "\(proxy.requireTLS)"),
                        ("idleClientTimeout", "\(proxy.idleClientTimeout)"), ("role", proxy.role),
                        (
                            "auth",
                            proxy.auth.map {
                                "clientPasswordAuthType=\($0.clientPasswordAuthType) iamAuth=\($0.iamAuth) "
                                    + "secret=\($0.secret)"
                            }
                            .joined(separator: "; ")
                        ),
                        ("targets", proxy.targets.map(targetLine).joined(separator: "; ")),
                    ]
                }
            ) + section("secrets", self.secrets.mapValues { [("arn", $0.arn), ("kmsKey", $0.kmsKey)] })
            + section(
                "roles",
                self.roles.mapValues {
                    [
                        ("arn", $0.arn), ("managedPolicies", $0.managedPolicies.joined(separator: "; ")),
                        ("inlinePolicies", $0.inlinePolicies.joined(separator: "; ")),
                    ]
                }
            )
            + section(
                "securityGroups",
                self.securityGroups.mapValues {
                    [
                        ("vpc", $0.vpc), ("ingress", $0.ingress.joined(separator: "; ")),
                        ("egress", $0.egress.joined(separator: "; ")),
                    ]
                }
            )
            + section(
                "functions",
                self.functions.mapValues {
                    [
                        ("arn", $0.arn), ("role", $0.role), ("kind", $0.kind),
                        ("timeout", $0.timeout.rounded() == $0.timeout ? "\(Int($0.timeout))" : "\($0.timeout)"),
                        ("placement", $0.placement),
                        ("database", $0.database),
                    ]
                }
            )
            + section("apis", self.apis.mapValues { [("url", $0.url), ("routes", $0.routes.joined(separator: "; "))] }))
            .joined(separator: "\n")
    }

    /// `sandbox describe targets`: a table with a row per proxy target.
    public var targetTable: TextTable {
        TextTable(
            ["proxy", "target", "state", "reason", "description"],
            rows: self.targets.sorted { $0.key < $1.key }.flatMap { proxy, list in
                list.map { [proxy, $0.instance, $0.state, $0.reason ?? "-", $0.description ?? ""] }
            }
        )
    }
}
