import Foundation

extension Topology {
    /// A Lambda function: Swift (`handler` names a closure passed to `Sandbox.start`), built-in (`builtin`) or a
    /// process speaking the Runtime API (`command`).
    public struct Function: Sendable, Codable, Equatable {
        public struct VPC: Sendable, Codable, Equatable {
            public var subnets: [String]
            public var securityGroups: [String]
            public init(subnets: [String], securityGroups: [String]) {
                self.subnets = subnets
                self.securityGroups = securityGroups
            }
        }

        /// `builtin: {echo: {}}`, `builtin: {sql: {...}}` or `builtin: {unbound: {...}}`.
        public struct Builtin: Sendable, Codable, Equatable {
            public struct Empty: Sendable, Codable, Equatable { public init() {} }
            public var echo: Empty?
            public var sql: SQL?
            /// Code the sandbox cannot run (a template's Node.js or Java function): a Swift handler registered
            /// under `logicalId` runs instead, else every invocation fails saying how to bind code to it.
            public var unbound: Unbound?
            public init(echo: Empty? = nil, sql: SQL? = nil, unbound: Unbound? = nil) {
                self.echo = echo
                self.sql = sql
                self.unbound = unbound
            }
        }

        public struct Unbound: Sendable, Codable, Equatable {
            /// The template's logical id (the name a Swift handler binds to).
            public var logicalId: String
            /// What the template gave as code, and why it cannot run here.
            public var reason: String
            public init(logicalId: String, reason: String) {
                self.logicalId = logicalId
                self.reason = reason
            }
        }

        /// The built-in SQL handler: log in to `target` (a proxy or instance) as `user` with `auth: iam` or
        /// `auth: secret` (`secret` names it), run `statements`, return the last one's rows. `keepConnection: true`
        /// keeps the connection for the execution environment's warm invocations (customers' code keeping it in a
        /// global); by default each invocation logs in.
        public struct SQL: Sendable, Codable, Equatable {
            /// How the handler logs in: an IAM token from the execution role, or the password of `secret`.
            public enum Auth: String, Sendable, Codable, CaseIterable { case iam, secret }

            public var target: String
            public var user: String
            public var auth: Auth
            public var secret: String?
            public var database: String?
            public var tls: Bool?
            public var statements: [Statement]
            public var keepConnection: Bool?
            public init(
                target: String,
                user: String,
                auth: Auth,
                secret: String? = nil,
                database: String? = nil,
                tls: Bool? = nil,
                statements: [Statement],
                keepConnection: Bool? = nil
            ) {
                self.target = target
                self.user = user
                self.auth = auth
                self.secret = secret
                self.database = database
                self.tls = tls
                self.statements = statements
                self.keepConnection = keepConnection
            }
        }

        /// A statement as text, or `{sql, parameters}` with dotted paths into the event for its `?`s.
        public struct Statement: Sendable, Codable, Equatable {
            public var sql: String
            public var parameters: [String]?
            public init(sql: String, parameters: [String]? = nil) {
                self.sql = sql
                self.parameters = parameters
            }

            public init(from decoder: any Decoder) throws {
                if let text = try? decoder.singleValueContainer().decode(String.self) {
                    self.init(sql: text)
                    return
                }
                let container = try decoder.container(keyedBy: CodingKeys.self)
                self.init(
                    sql: try container.decode(String.self, forKey: .sql),
                    parameters: try container.decodeIfPresent([String].self, forKey: .parameters)
                )
            }
        }

        public var name: String
        public var runtime: String?
        public var handler: String?
        public var memorySize: Int?
        /// Seconds; AWS's default 3.
        public var timeout: Double?
        /// The execution role (name or ARN); its trust policy must allow lambda.amazonaws.com.
        public var role: String
        /// Values may name endpoints: `${proxy:app-proxy}`, `${database:app-db}` (their DNS names).
        public var environment: [String: String]?
        /// Without it the function runs outside every VPC and reaches no private address.
        public var vpc: VPC?
        public var reservedConcurrency: Int?
        public var command: [String]?
        /// The process's working directory (relative to the topology file); LAMBDA_TASK_ROOT.
        public var workingDirectory: String?
        public var builtin: Builtin?

        public init(
            name: String,
            runtime: String? = nil,
            handler: String? = nil,
            memorySize: Int? = nil,
            timeout: Double? = nil,
            role: String,
            environment: [String: String]? = nil,
            vpc: VPC? = nil,
            reservedConcurrency: Int? = nil,
            command: [String]? = nil,
            workingDirectory: String? = nil,
            builtin: Builtin? = nil
        ) {
            self.name = name
            self.runtime = runtime
            self.handler = handler
            self.memorySize = memorySize
            self.timeout = timeout
            self.role = role
            self.environment = environment
            self.vpc = vpc
            self.reservedConcurrency = reservedConcurrency
            self.command = command
            self.workingDirectory = workingDirectory
            self.builtin = builtin
        }
    }

    /// An API Gateway HTTP API on its `$default` stage.
    public struct API: Sendable, Codable, Equatable {
        public struct Route: Sendable, Codable, Equatable {
            /// `GET /items`, `ANY /{proxy+}`, `$default`.
            public var route: String
            public var function: String
            public var payloadFormatVersion: String?
            public var timeoutInMillis: Int?
            public init(
                route: String,
                function: String,
                payloadFormatVersion: String? = nil,
                timeoutInMillis: Int? = nil
            ) {
                self.route = route
                self.function = function
                self.payloadFormatVersion = payloadFormatVersion
                self.timeoutInMillis = timeoutInMillis
            }
        }

        public var name: String
        public var routes: [Route]
        public init(name: String, routes: [Route]) {
            self.name = name
            self.routes = routes
        }
    }
}

extension Topology.Function {
    /// The function's code folder (its `workingDirectory`, LAMBDA_TASK_ROOT) from `base`, the topology's folder; nil
    /// when it names none.
    public func codeFolder(relativeTo base: URL) -> URL? {
        self.workingDirectory.map { URL(fileURLWithPath: $0, relativeTo: base).standardizedFileURL }
    }
}
