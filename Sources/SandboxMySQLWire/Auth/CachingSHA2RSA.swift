import Foundation
import _CryptoExtras

/// caching_sha2_password's RSA exchange: the password (with its NUL) XOR the nonce, under RSA-OAEP (SHA-1).
public enum CachingSHA2RSA {
    /// The server's RSA key pair.
    ///
    /// `@unchecked Sendable`: swift-crypto's `_RSA` key wraps a BoringSSL `RSA *` handle that is not marked
    /// Sendable; the key is never changed once made, and BoringSSL allows concurrent use of a constant key.
    public struct KeyPair: @unchecked Sendable {
        public let privateKey: _RSA.Encryption.PrivateKey
        public let publicKeyPEM: String

        /// Makes a 2048-bit key (tens of milliseconds: make one per process and share it).
        public init() throws {
            self.privateKey = try _RSA.Encryption.PrivateKey(keySize: .bits2048)
            self.publicKeyPEM = self.privateKey.publicKey.pemRepresentation
        }
    }

    public static func encrypt(password: String, nonce: [UInt8], publicKeyPEM: String) throws -> [UInt8] {
        let key = try _RSA.Encryption.PublicKey(pemRepresentation: publicKeyPEM)
        let plain = Self.xor(Array(password.utf8) + [0], nonce)
        return Array(try key.encrypt(plain, padding: .PKCS1_OAEP))
    }

    /// The cleartext password, or `nil` when the bytes do not decrypt under `key`.
    public static func decrypt(_ cipher: [UInt8], nonce: [UInt8], key: KeyPair) -> String? {
        guard let plain = try? key.privateKey.decrypt(cipher, padding: .PKCS1_OAEP) else { return nil }
        var bytes = Self.xor(Array(plain), nonce)
        if bytes.last == 0 { bytes.removeLast() }
        return String(bytes: bytes, encoding: .utf8)
    }

    private static func xor(_ data: [UInt8], _ nonce: [UInt8]) -> [UInt8] {
        guard !nonce.isEmpty else { return data }
        return data.enumerated().map { $0.element ^ nonce[$0.offset % nonce.count] }
    }
}
