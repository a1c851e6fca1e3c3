import Foundation
import Logging
import SandboxSigV4

/// What a Swift handler gets beside its event, as the Lambda runtimes' context objects carry it.
public struct LambdaContext: Sendable {
    public let requestID: String
    public let functionName: String
    public let functionARN: String
    public let memoryLimitInMB: Int
    /// When the invocation times out.
    public let deadline: Date
    /// The function's environment, with what Lambda adds (AWS_REGION, AWS_ACCESS_KEY_ID, ...).
    public let environment: [String: String]
    /// The execution role's session credentials.
    public let credentials: AWSCredentials
    /// Lines logged here land in the invocation's log (LogType: Tail) and the sandbox's log.
    public let logger: Logger
    /// The databases and proxies it may dial, from its ENI (security groups apply): `SandboxLambdaDatabase`'s
    /// `context.database` connects to them.
    public let databases: FunctionDatabases
    /// What the execution environment keeps between its warm invocations (a connection in a global).
    public let globals: ExecutionEnvironmentGlobals

    public var remainingTime: TimeInterval { max(0, self.deadline.timeIntervalSinceNow) }
}
