import Foundation
import SandboxPKI

/// The sandbox's certificate authorities and where their bundles are written. DB instances chain to the
/// "RDS" CA and proxies to a separate "Amazon Root CA"-style one, as in AWS, so a wrong bundle fails as it does there.
struct SandboxCertificates: Sendable {
    let rdsCA: CertificateAuthority
    let rdsBundlePath: String
    let proxyCA: CertificateAuthority
    let proxyBundlePath: String

    init(region: String, directory: URL) throws {
        self.rdsCA = try CertificateAuthority(commonName: "CloudSandbox RDS \(region) Root CA", organization: "CloudSandbox RDS")
        self.proxyCA = try CertificateAuthority(commonName: "CloudSandbox Amazon Root CA 1", organization: "CloudSandbox Amazon")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.rdsBundlePath = directory.appendingPathComponent("rds-ca-bundle.pem").path
        self.proxyBundlePath = directory.appendingPathComponent("proxy-ca-bundle.pem").path
        try self.rdsCA.certificatePEM.write(toFile: self.rdsBundlePath, atomically: true, encoding: .utf8)
        try self.proxyCA.certificatePEM.write(toFile: self.proxyBundlePath, atomically: true, encoding: .utf8)
    }
}
