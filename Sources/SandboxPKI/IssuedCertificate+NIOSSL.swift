import NIOSSL

extension IssuedCertificate {
    /// A TLS server configuration presenting this certificate (and its issuer, as AWS endpoints do).
    public func serverTLSConfiguration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array((self.certificatePEM + "\n" + self.issuerPEM).utf8))
        let key = try NIOSSLPrivateKey(bytes: Array(self.privateKeyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.curves = TLSConfiguration.classicalGroups
        return configuration
    }
}

extension TLSConfiguration {
    /// The key-exchange groups sandbox endpoints and clients offer: the classical ECDHE groups every MySQL client and
    /// AWS SDK negotiates. BoringSSL's default adds the post-quantum hybrid X25519MLKEM768, whose key share made up
    /// most of the key-exchange work of each login over loopback.
    public static let classicalGroups: [NIOTLSCurve] = [.x25519, .secp256r1, .secp384r1]
}
