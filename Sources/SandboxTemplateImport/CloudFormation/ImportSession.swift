import Crypto
import Foundation

/// What every stack of one import shares: the account and region, the options, the warnings so far, and the
/// ids made up for resources (derived from stack and logical id, so importing twice gives the same topology).
final class ImportSession {
    let region: String
    let accountId: String
    /// `--param K=V` for the root stack.
    let parameters: [String: String]
    private(set) var warnings: [ImportWarning] = []
    /// Every stack loaded, root first, for `Fn::ImportValue`.
    var stacks: [CloudFormationStack] = []
    /// Secret ARN → the value it holds (generated passwords are made once per import).
    var generatedSecrets: [String: String] = [:]

    init(region: String, accountId: String, parameters: [String: String]) {
        self.region = region
        self.accountId = accountId
        self.parameters = parameters
    }

    func warn(_ resource: String, _ type: String, _ message: String, breaksAPath: Bool = false) {
        self.add(ImportWarning(resource: resource, type: type, message, breaksAPath: breaksAPath))
    }

    func add(_ warning: ImportWarning) {
        if !self.warnings.contains(warning) { self.warnings.append(warning) }
    }

    /// `count` characters from `alphabet`, the same for the same `seed`.
    static func id(_ seed: String, count: Int, alphabet: String = "0123456789abcdef") -> String {
        let letters = Array(alphabet)
        var bytes = Array(SHA256.hash(data: Data(seed.utf8)))
        while bytes.count < count { bytes += Array(SHA256.hash(data: Data(bytes))) }
        return String(bytes.prefix(count).map { letters[Int($0) % letters.count] })
    }

    /// A UUID-shaped id (KMS key ids), stable for `seed`.
    static func uuid(_ seed: String) -> String {
        let hex = Self.id(seed, count: 32)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(
                hex[
                    hex.index(
                        hex.startIndex,
                        offsetBy: range.lowerBound
                    )..<hex.index(hex.startIndex, offsetBy: range.upperBound)
                ]
            )
        }
        return parts.joined(separator: "-")
    }

    /// The secret RDS keeps a master password in (ManageMasterUserPassword) for a DBCluster or DBInstance `name`:
    /// `rds!cluster-<uuid>` or `rds!db-<uuid>`.
    static func managedSecretName(ofType type: String, named name: String) -> String {
        "rds!\(type.hasSuffix("Cluster") ? "cluster" : "db")-\(Self.uuid(name))"
    }
}
