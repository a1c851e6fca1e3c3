import Foundation

/// One event on its way to a function instance.
struct Invocation: Sendable {
    var requestID: String
    var payload: [UInt8]
    /// `payload` parsed (Invoke checks it is JSON; Swift handlers get it as it is).
    var event: JSONValue
    var deadline: Date
    var functionARN: String
    var traceID: String
}

/// How an invocation ended inside the instance.
enum InvocationOutcome: Sendable, Equatable {
    /// The answer's JSON text, and the answer itself when a Swift handler returned it (nothing to parse again).
    case response([UInt8], JSONValue? = nil)
    case error(FunctionError)
    /// The instance could not start or died (init error, process exit); the instance is gone.
    case crashed(FunctionError)
    case timedOut
}

/// A warm execution environment: runs one invocation at a time until stopped.
protocol FunctionInstance: Sendable {
    /// False once the environment is gone (its process exited while idle): it is replaced, not invoked.
    var isUsable: Bool { get }
    /// Runs the invocation; returns `.timedOut` promptly once `stop` is called while it runs.
    func invoke(_ invocation: Invocation, log: InvocationLog) async -> InvocationOutcome
    /// Ends the environment (kills a process, abandons a Swift task).
    func stop() async
}

/// Lambda's invocation types (X-Amz-Invocation-Type).
public enum InvocationType: String, Sendable {
    case requestResponse = "RequestResponse"
    case event = "Event"
    case dryRun = "DryRun"
}

/// What Invoke returns: status, payload, whether it is a function error, and the log tail.
public struct InvokeResult: Sendable {
    public var status: Int
    public var payload: [UInt8]
    /// `Unhandled` when the function failed (X-Amz-Function-Error).
    public var functionError: String?
    /// The last 4 KB of the invocation's log, base64 (X-Amz-Log-Result), with LogType Tail.
    public var logResult: String?
    public var requestID: String
    /// `payload` as a value, when the function answered in process (a Swift handler): no need to parse it again.
    public var answer: JSONValue?
}
