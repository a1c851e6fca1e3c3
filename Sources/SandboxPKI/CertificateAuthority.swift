import Crypto
import Foundation
import SwiftASN1
import X509

/// An in-memory certificate authority. A sandbox makes one per trust domain (the proxies' "Amazon Root CA"
/// and the instances' "RDS CA" are different, as in AWS, so a wrong CA bundle fails verification).
public struct CertificateAuthority: Sendable {
    public let commonName: String
    public let certificate: Certificate
    private let privateKey: P256.Signing.PrivateKey

    /// The CA certificate as PEM: what clients put in their CA bundle (serialized once, here).
    public let certificatePEM: String

    public init(
        commonName: String,
        organization: String = "CloudSandbox",
        validFor: TimeInterval = 10 * 365 * 86_400
    ) throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CountryName("US")
            OrganizationName(organization)
            CommonName(commonName)
        }
        let now = Date()
        self.certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(validFor),
            issuer: name,
            subject: name,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(key.publicKey))
            },
            issuerPrivateKey: .init(key)
        )
        self.commonName = commonName
        self.privateKey = key
        self.certificatePEM = try self.certificate.serializeAsPEM().pemString
    }

    /// Issues a server certificate whose SANs carry `dnsNames` (wildcards allowed) and `ipAddresses`.
    public func issueServerCertificate(
        commonName: String,
        dnsNames: [String],
        ipAddresses: [String],
        validFor: TimeInterval = 365 * 86_400
    ) throws -> IssuedCertificate {
        let key = P256.Signing.PrivateKey()
        var names = dnsNames.map { GeneralName.dnsName($0) }
        for address in ipAddresses {
            guard let bytes = Self.ipv4Bytes(address) else { throw PKIError.invalidIPAddress(address) }
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        let now = Date()
        let leaf = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(validFor),
            issuer: self.certificate.subject,
            subject: try DistinguishedName {
                OrganizationName("CloudSandbox")
                CommonName(commonName)
            },
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
                AuthorityKeyIdentifier(
                    keyIdentifier: try self.certificate.extensions.subjectKeyIdentifier?.keyIdentifier
                )
            },
            issuerPrivateKey: .init(self.privateKey)
        )
        return IssuedCertificate(
            certificatePEM: try leaf.serializeAsPEM().pemString,
            privateKeyPEM: key.pemRepresentation,
            issuerPEM: self.certificatePEM
        )
    }

    private static func ipv4Bytes(_ address: String) -> [UInt8]? {
        let parts = address.split(separator: ".").compactMap { UInt8($0) }
        return parts.count == 4 ? parts : nil
    }
}

/// A leaf certificate with its key and issuer, as PEM.
public struct IssuedCertificate: Sendable {
    public let certificatePEM: String
    public let privateKeyPEM: String
    public let issuerPEM: String
}

public enum PKIError: Error, CustomStringConvertible {
    case invalidIPAddress(String)

    public var description: String {
        switch self {
        case let .invalidIPAddress(address):
            "'\(address)' is not an IPv4 address; certificate IP SANs take dotted quads"
        }
    }
}
