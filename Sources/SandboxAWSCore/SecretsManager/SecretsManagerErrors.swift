/// Secrets Manager's errors that more than one operation answers, in its words.
extension AWSError {
    static func secretExists(_ name: String) -> AWSError {
        AWSError(.resourceExistsException, "The operation failed because the secret \(name) already exists.")
    }
}
