import SandboxAWSCore

/// Lambda's errors that more than one operation answers, with its statuses and words.
extension AWSError {
    static func functionNotFound(_ arn: String) -> AWSError {
        AWSError(.resourceNotFoundException, "Function not found: \(arn)")
    }

    /// Throttled: `reason` is Lambda's `Reason` member (ReservedFunctionConcurrentInvocationLimitExceeded, …).
    static func rateExceeded(_ reason: String) -> AWSError {
        AWSError(.tooManyRequestsException, "Rate Exceeded.", fields: ["Reason": reason])
    }

    static func roleCannotBeAssumed(_ why: String) -> AWSError {
        AWSError(
            .invalidParameterValueException,
            "The role defined for the function cannot be assumed by Lambda. (\(why))"
        )
    }
}
