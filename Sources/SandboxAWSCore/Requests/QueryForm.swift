import SandboxSigV4

/// A query-protocol request's parameters (`Action=AssumeRole&RoleArn=…&Tags.member.1.Key=…`), each given once, and
/// an operation's input decoded from them as AWS reads them (`QueryFormDecoder`): a parameter the input does not
/// define, a repeated one, a list numbered wrongly, a missing or mistyped member is refused with the service's error.
public struct QueryForm: Sendable {
    /// How a service words a refused parameter: IAM and STS as `ValidationError`, RDS as `InvalidParameterValue`.
    public enum ErrorStyle: Sendable {
        case validationError
        case invalidParameterValue
    }

    /// The parameters, by name.
    public let values: [String: String]
    /// The parameters given more than once, the first time each is repeated.
    let repeated: [String]

    /// The form of `text` (`a=1&b=2`, `+` for space).
    public init(_ text: String) {
        var values: [String: String] = [:]
        var repeated: [String] = []
        for (name, value) in SigV4Encoding.queryPairs(text, plusIsSpace: true) {
            if values.updateValue(value, forKey: name) != nil, !repeated.contains(name) { repeated.append(name) }
        }
        (self.values, self.repeated) = (values, repeated)
    }

    /// The form of these parameters (the sandbox's own requests, made from a topology).
    init(values: [String: String]) { (self.values, self.repeated) = (values, []) }

    public subscript(name: String) -> String? { self.values[name] }

    /// The input of the operation the form names, every parameter besides `Action` and `Version` read by it.
    public func decode<Input: Decodable>(_ type: Input.Type, style: ErrorStyle) throws(AWSError) -> Input {
        if let name = self.repeated.first {
            throw Self.refusal(style, "The parameter \(name) is given more than once; give each parameter once.")
        }
        let reader = QueryFormReader(values: self.values)
        let input: Input
        do {
            input = try Input(from: QueryFormDecoder(reader: reader, path: ""))
        } catch let failure as QueryFormFailure {
            throw failure.error(style)
        } catch {
            throw Self.refusal(style, "The request's parameters could not be read: \(error)")
        }
        let unread = Set(self.values.keys).subtracting(reader.read).subtracting(["Action", "Version"])
        if let name = unread.sorted().first {
            throw AWSError(.unknownParameter, "The parameter \(name) is not recognized.")
        }
        return input
    }

    static func refusal(_ style: ErrorStyle, _ message: String) -> AWSError {
        switch style {
        case .validationError: AWSError(.validationError, message)
        case .invalidParameterValue: AWSError(.invalidParameterValue, message)
        }
    }
}

/// Why a form does not decode into an input, before it is worded as the service's error.
enum QueryFormFailure: Error {
    case missing(String)
    case notA(String, parameter: String, value: String)
    case badIndex(String, numbers: [String])

    func error(_ style: QueryForm.ErrorStyle) -> AWSError {
        switch self {
        case let .missing(name):
            return .missingParameter(name)
        case let .notA(kind, parameter, value):
            return QueryForm.refusal(style, "Value '\(value)' for parameter \(parameter) is not \(kind).")
        case let .badIndex(list, numbers):
            return QueryForm.refusal(
                style,
                "The members of \(list) are numbered \(numbers.joined(separator: ", ")): "
                    + "number them 1, 2, 3 … without gaps."
            )
        }
    }
}
