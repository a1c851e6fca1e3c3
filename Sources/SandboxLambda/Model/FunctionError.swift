/// A function error as Lambda reports it: the `errorMessage` / `errorType` / `stackTrace` payload, sent with
/// `X-Amz-Function-Error: Unhandled`.
public struct FunctionError: Error, Sendable, Equatable {
    public var errorType: String
    public var errorMessage: String
    public var stackTrace: [String]

    public init(errorType: String, errorMessage: String, stackTrace: [String] = []) {
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.stackTrace = stackTrace
    }

    /// A thrown Swift error, named by its type.
    public init(_ error: any Error) {
        if let error = error as? FunctionError { self = error; return }
        self.init(errorType: String(describing: type(of: error)), errorMessage: String(describing: error))
    }

    public var payload: JSONValue {
        var object: [String: JSONValue] = ["errorType": .string(self.errorType), "errorMessage": .string(self.errorMessage)]
        if !self.stackTrace.isEmpty { object["stackTrace"] = .array(self.stackTrace.map(JSONValue.string)) }
        return .object(object)
    }
}
