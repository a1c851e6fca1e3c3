/// A function error as Lambda reports it: the `errorMessage` / `errorType` / `stackTrace` payload (`trace` from
/// Node.js runtimes, as the runtime wrote it), sent with `X-Amz-Function-Error: Unhandled`.
public struct FunctionError: Error, Sendable, Equatable {
    public var errorType: String
    public var errorMessage: String
    public var stackTrace: [String]
    /// The key the trace goes under: `stackTrace` (Python, Java, Swift) or `trace` (Node.js).
    public var traceKey: String

    public init(errorType: String, errorMessage: String, stackTrace: [String] = [], traceKey: String = "stackTrace") {
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.stackTrace = stackTrace
        self.traceKey = traceKey
    }

    /// A thrown Swift error, named by its type.
    public init(_ error: any Error) {
        if let error = error as? FunctionError {
            self = error
            return
        }
        self.init(errorType: String(describing: type(of: error)), errorMessage: String(describing: error))
    }

    public var payload: JSONValue {
        var object: [String: JSONValue] = [
            "errorType": .string(self.errorType), "errorMessage": .string(self.errorMessage),
        ]
        if !self.stackTrace.isEmpty { object[self.traceKey] = .array(self.stackTrace.map(JSONValue.string)) }
        return .object(object)
    }
}
