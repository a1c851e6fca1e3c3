import NIOCore
import NIOEmbedded
import NIOSSL
import X509
import XCTest

@testable import SandboxPKI

/// The sandbox's certificate authorities: a certificate they issue passes a real TLS handshake (BoringSSL's
/// verification) for the names it carries and fails for any other name or against another CA's bundle.
final class CertificateAuthorityTests: XCTestCase {
    static let ca = Result { try CertificateAuthority(commonName: "CloudSandbox RDS test Root CA") }
    static let issued = Result {
        try CertificateAuthorityTests.ca.get().issueServerCertificate(
            commonName: "db",
            dnsNames: ["db.local", "*.proxy.local"],
            ipAddresses: ["127.0.0.1"]
        )
    }

    /// Runs a handshake between a client at `address` trusting `caPEM` for `hostname` (nil: the peer's IP) and a
    /// server showing the issued certificate; returns the client's error, nil when the handshake completed. (NIOSSL
    /// also accepts a certificate naming the peer's IP when a host name is given, so names are tried at another IP.)
    func handshake(caPEM: String, hostname: String?, address: String = "127.0.0.2") throws -> (any Error)? {
        let server = EmbeddedChannel()
        try server.pipeline.syncOperations.addHandler(
            NIOSSLServerHandler(context: try NIOSSLContext(configuration: Self.issued.get().serverTLSConfiguration()))
        )
        let client = EmbeddedChannel()
        let tls = try ClientTLS.trusting(caPEM: caPEM, serverHostname: hostname)
        try client.pipeline.syncOperations.addHandler(
            try NIOSSLClientHandler(context: tls.sslContext(), serverHostname: hostname)
        )
        try server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).wait()
        try client.connect(to: SocketAddress(ipAddress: address, port: 3306)).wait()
        client.writeAndFlush(ByteBuffer(string: "ping"), promise: nil)  // sent once the handshake is done
        for _ in 0..<10 {
            do {
                while let bytes = try client.readOutbound(as: ByteBuffer.self) { try server.writeInbound(bytes) }
                while let bytes = try server.readOutbound(as: ByteBuffer.self) { try client.writeInbound(bytes) }
            } catch {
                return error
            }
            if let ping = try server.readInbound(as: ByteBuffer.self) {
                XCTAssertEqual(ping, ByteBuffer(string: "ping"))
                return nil
            }
        }
        XCTFail("the handshake neither completed nor failed")
        return nil
    }

    func testTheIssuedCertificateVerifiesForItsNamesAndAddress() throws {
        let ca = try Self.ca.get()
        for name in ["db.local", "writer.proxy.local"] {
            XCTAssertNil(try self.handshake(caPEM: ca.certificatePEM, hostname: name), name)
        }
        XCTAssertNil(try self.handshake(caPEM: ca.certificatePEM, hostname: nil, address: "127.0.0.1"), "its IP SAN")
    }

    func testAnotherNameOrAnotherCAFails() throws {
        let ca = try Self.ca.get()
        let wrongName = try self.handshake(caPEM: ca.certificatePEM, hostname: "other.local")
        XCTAssertEqual(wrongName as? NIOSSLExtraError, .failedToValidateHostname, "\(String(describing: wrongName))")
        let wrongIP = try self.handshake(caPEM: ca.certificatePEM, hostname: nil, address: "127.0.0.2")
        XCTAssertEqual(wrongIP as? NIOSSLExtraError, .failedToValidateHostname, "\(String(describing: wrongIP))")
        let other = try CertificateAuthority(commonName: "CloudSandbox Amazon test Root CA")
        let wrongCA = try self.handshake(caPEM: other.certificatePEM, hostname: "db.local")
        guard case .handshakeFailed? = wrongCA as? NIOSSLError else {
            return XCTFail("a certificate from another CA is refused: \(String(describing: wrongCA))")
        }
    }

    func testTheCACertificateAndItsRefusals() throws {
        let ca = try Self.ca.get()
        XCTAssertTrue(ca.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        XCTAssertEqual(try ca.certificate.extensions.basicConstraints, .isCertificateAuthority(maxPathLength: nil))
        XCTAssertThrowsError(
            try ca.issueServerCertificate(commonName: "db", dnsNames: [], ipAddresses: ["::1"])
        ) { error in
            XCTAssertEqual(
                "\(error)",
                "'::1' is not an IPv4 address; certificate IP SANs take dotted quads"
            )
        }
    }

    func testClientTLSBuildsItsContextOnce() throws {
        var tls = try ClientTLS.trusting(caPEM: try Self.ca.get().certificatePEM)
        let first = try tls.sslContext()
        XCTAssertTrue(first === (try tls.sslContext()), "one context for every connection")
        tls.configuration.certificateVerification = .none
        XCTAssertFalse(first === (try tls.sslContext()), "a changed configuration builds a new one")
    }
}
