import Foundation
import SandboxPKI

/// The sandbox's certificate authorities and where their bundles are written. DB instances chain to the
/// "RDS" CA and proxies to a separate "Amazon Root CA"-style one, as in AWS, so a wrong bundle fails as it does there.
struct SandboxCertificates: Sendable {
    let rdsCA: CertificateAuthority
    let rdsBundlePath: String
    let proxyCA: CertificateAuthority
    let proxyBundlePath: String
    /// What process functions trust when they trust "the system store": this machine's roots and the proxy CA, as
    /// Lambda's image holds Amazon's roots. Not the RDS CA: an instance's certificate verifies only against the RDS
    /// bundle given explicitly, as in AWS.
    let functionTrustPath: String

    /// Where Debian/Ubuntu, Fedora/RHEL and Alpine keep the system's roots.
    static let systemRoots = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem",
    ]

    init(region: String, directory: URL) throws {
        self.rdsCA = try CertificateAuthority(
            commonName: "CloudSandbox RDS \(region) Root CA",
            organization: "CloudSandbox RDS"
        )
        self.proxyCA = try CertificateAuthority(
            commonName: "CloudSandbox Amazon Root CA 1",
            organization: "CloudSandbox Amazon"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.rdsBundlePath = directory.appendingPathComponent("rds-ca-bundle.pem").path
        self.proxyBundlePath = directory.appendingPathComponent("proxy-ca-bundle.pem").path
        // Written in place, not atomically (a rename and an fsync each): the folder is the sandbox's own and nothing
        // reads these files before the sandbox has started.
        try self.rdsCA.certificatePEM.write(toFile: self.rdsBundlePath, atomically: false, encoding: .utf8)
        try self.proxyCA.certificatePEM.write(toFile: self.proxyBundlePath, atomically: false, encoding: .utf8)
        self.functionTrustPath = directory.appendingPathComponent("function-trust-bundle.pem").path
        try (Self.systemRootsPEM + Data(self.proxyCA.certificatePEM.utf8)).write(
            to: URL(fileURLWithPath: self.functionTrustPath)
        )
    }

    /// This machine's roots (ending in a newline), read once per process.
    private static let systemRootsPEM: Data = {
        guard var roots = Self.systemRoots.lazy.compactMap({ FileManager.default.contents(atPath: $0) }).first else {
            return Data()
        }
        if let last = roots.last, last != UInt8(ascii: "\n") { roots.append(UInt8(ascii: "\n")) }
        return roots
    }()

    /// The variables that point a process function's "system" trust at `functionTrustPath` (OpenSSL and Go, Python's
    /// requests and botocore) and add the proxy CA to Node's; a function's own values win.
    var functionTrustVariables: [String: String] {
        [
            "SSL_CERT_FILE": self.functionTrustPath, "REQUESTS_CA_BUNDLE": self.functionTrustPath,
            "AWS_CA_BUNDLE": self.functionTrustPath,
            "NODE_EXTRA_CA_CERTS": self.proxyBundlePath,
        ]
    }
}
