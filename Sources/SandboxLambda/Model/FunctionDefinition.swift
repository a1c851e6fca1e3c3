/// A Lambda function as GetFunctionConfiguration shows it, plus the code that runs it.
public struct FunctionDefinition: Sendable {
    /// Where a function's network traffic leaves from: subnets and security groups (an ENI), or outside every VPC.
    public struct VPCConfig: Sendable, Equatable {
        public var subnetIDs: [String]
        public var securityGroupIDs: [String]
        public init(subnetIDs: [String], securityGroupIDs: [String]) {
            self.subnetIDs = subnetIDs
            self.securityGroupIDs = securityGroupIDs
        }
    }

    public var name: String
    /// `python3.12`, `nodejs20.x`, `provided.al2023`, ... (informative for Swift and built-in code).
    public var runtime: String
    /// `_HANDLER` for process code; the registered name for Swift code.
    public var handler: String
    public var memorySize: Int
    /// Seconds (AWS's default 3).
    public var timeout: Double
    public var environment: [String: String]
    public var roleARN: String
    public var vpc: VPCConfig?
    /// PutFunctionConcurrency's ReservedConcurrentExecutions; nil: the account's unreserved pool.
    public var reservedConcurrency: Int?
    public var code: FunctionCode

    public init(
        name: String,
        runtime: String = "provided.al2023",
        handler: String = "bootstrap",
        memorySize: Int = 128,
        timeout: Double = 3,
        environment: [String: String] = [:],
        roleARN: String,
        vpc: VPCConfig? = nil,
        reservedConcurrency: Int? = nil,
        code: FunctionCode
    ) {
        self.name = name
        self.runtime = runtime
        self.handler = handler
        self.memorySize = memorySize
        self.timeout = timeout
        self.environment = environment
        self.roleARN = roleARN
        self.vpc = vpc
        self.reservedConcurrency = reservedConcurrency
        self.code = code
    }
}

/// What runs when a function is invoked.
public enum FunctionCode: Sendable {
    /// A Swift closure registered through the library.
    case swift(LambdaHandler)
    /// A handler the sandbox ships, declared in YAML.
    case builtin(BuiltinFunction)
    /// A child process speaking the Lambda Runtime API (awslambdaric, a custom runtime's `bootstrap`, ...).
    case process(ProcessCode)

    public var kind: String {
        switch self {
        case .swift: "swift"
        case .builtin: "builtin"
        case .process: "process"
        }
    }
}

/// A Swift function: the event and a context in, the response out; a thrown error is a function error.
public typealias LambdaHandler = @Sendable (JSONValue, LambdaContext) async throws -> JSONValue

/// The command of a process function: run in `workingDirectory` with the function's environment.
public struct ProcessCode: Sendable, Equatable {
    public var command: [String]
    public var workingDirectory: String?
    public init(command: [String], workingDirectory: String? = nil) {
        self.command = command
        self.workingDirectory = workingDirectory
    }
}
