/// IAM's and STS's errors that more than one operation answers, in their words.
extension AWSError {
    /// An access key, session token or user the account does not know.
    static let invalidSecurityToken = AWSError(
        .invalidClientTokenId,
        "The security token included in the request is invalid."
    )

    static func noSuchRole(_ name: String) -> AWSError {
        AWSError(.noSuchEntity, "The role with name \(name) cannot be found.")
    }

    static func noSuchRolePolicy(_ name: String) -> AWSError {
        AWSError(.noSuchEntity, "The role policy with name \(name) cannot be found.")
    }

    static func noSuchPolicy(_ arn: String) -> AWSError {
        AWSError(.noSuchEntity, "Policy \(arn) does not exist or is not attachable.")
    }
}
