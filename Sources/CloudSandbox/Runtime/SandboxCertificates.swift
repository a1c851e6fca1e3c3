import Foundation
import SandboxPKI

/// The sandbox's certificate authorities and where their bundles are written. DB instances chain to the
/// "RDS" CA, as in AWS; later steps add the proxies' separate CA.
struct SandboxCertificates: Sendable {
    let rdsCA: CertificateAuthority
    let rdsBundlePath: String

    init(region: String, directory: URL) throws {
        self.rdsCA = try CertificateAuthority(commonName: "CloudSandbox RDS \(region) Root CA", organization: "CloudSandbox RDS")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.rdsBundlePath = directory.appendingPathComponent("rds-ca-bundle.pem").path
        try self.rdsCA.certificatePEM.write(toFile: self.rdsBundlePath, atomically: true, encoding: .utf8)
    }
}
