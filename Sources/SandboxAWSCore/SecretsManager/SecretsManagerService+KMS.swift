import Foundation

extension SecretsManagerService {
    /// Secrets Manager encrypts and decrypts each version under the secret's KMS key as the caller, through
    /// the service (kms:ViaService) with the secret's ARN and version as encryption context. Without a key it
    /// uses aws/secretsmanager, whose policy admits every principal of the account through the service.
    func useKey(of secret: Secret, version: String, action: String, caller: Caller) throws(AWSError) {
        guard let reference = secret.kmsKeyID else { return }
        let refused = AWSError(.accessDeniedException, "Access to KMS is not allowed")
        let key: KMSKey
        do { key = try self.account.kmsKey(reference) } catch {
            self.authorizer.logger.info(
                "KMS key of secret not found",
                metadata: ["aws.secret": "\(secret.arn)", "kms.key": "\(reference)"]
            )
            throw refused
        }
        let keys = [
            "kms:ViaService": ["secretsmanager.\(self.account.region).amazonaws.com"],
            "kms:CallerAccount": [caller.account],
            "kms:EncryptionContext:SecretARN": [secret.arn], "kms:EncryptionContext:SecretVersionId": [version],
        ]
        do throws(AWSError) {
            try self.authorizer.authorize(
                caller,
                action: action,
                resource: key.arn,
                resourcePolicy: .keyPolicy(key.policy),
                keys: keys,
                json: true
            )
        } catch {
            throw refused
        }
        guard key.enabled else {
            throw action == "kms:Decrypt"
                ? AWSError(
                    .decryptionFailure,
                    "Secrets Manager can't decrypt the protected secret text using the provided KMS key: "
                        + "\(key.arn) is disabled."
                )
                : AWSError(
                    .encryptionFailure,
                    "Secrets Manager can't encrypt the protected secret text using the provided KMS key: "
                        + "\(key.arn) is disabled."
                )
        }
    }

    /// A KmsKeyId as DescribeSecret reports it: the key's ARN, or the reference as given when no key has it
    /// (reading or writing the value then fails as KMS access does).
    func keyARN(_ reference: String?) -> String? {
        reference.map { reference in (try? self.account.kmsKey(reference).arn) ?? reference }
    }

}
