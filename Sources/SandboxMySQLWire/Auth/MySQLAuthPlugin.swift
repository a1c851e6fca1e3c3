import Crypto
import Foundation

/// The authentication plugins both sides speak, and their scramble math.
public enum MySQLAuthPlugin: String, Sendable, CaseIterable, Codable {
    case nativePassword = "mysql_native_password"
    case cachingSHA2Password = "caching_sha2_password"
    case clearPassword = "mysql_clear_password"

    /// What a client sends for `password` under this plugin, given the server's 20-byte nonce.
    public func authResponse(password: String, nonce: [UInt8]) -> [UInt8] {
        switch self {
        case .nativePassword: Self.nativeScramble(password: password, nonce: nonce)
        case .cachingSHA2Password: Self.cachingSHA2Scramble(password: password, nonce: nonce)
        case .clearPassword: Array(password.utf8) + [0]
        }
    }

    /// SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password))); empty for an empty password.
    public static func nativeScramble(password: String, nonce: [UInt8]) -> [UInt8] {
        guard !password.isEmpty else { return [] }
        let stage1 = Array(Insecure.SHA1.hash(data: Array(password.utf8)))
        let stage2 = Array(Insecure.SHA1.hash(data: stage1))
        let mask = Array(Insecure.SHA1.hash(data: nonce.prefix(20) + stage2))
        return zip(stage1, mask).map { $0 ^ $1 }
    }

    /// SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce); empty for an empty password.
    public static func cachingSHA2Scramble(password: String, nonce: [UInt8]) -> [UInt8] {
        guard !password.isEmpty else { return [] }
        let stage1 = Array(SHA256.hash(data: Array(password.utf8)))
        let stage2 = Array(SHA256.hash(data: stage1))
        let mask = Array(SHA256.hash(data: stage2 + nonce.prefix(20)))
        return zip(stage1, mask).map { $0 ^ $1 }
    }

    /// Constant-time comparison of a received scramble with the expected one.
    public static func scramblesMatch(_ received: [UInt8], _ expected: [UInt8]) -> Bool {
        guard received.count == expected.count else { return false }
        return zip(received, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A fresh 20-byte nonce of printable bytes (never NUL), as servers send.
    public static func makeNonce() -> [UInt8] {
        // Three draws from the system generator (one getrandom each), not one or more per byte.
        var random = SystemRandomNumberGenerator()
        let words = [random.next() as UInt64, random.next() as UInt64, random.next() as UInt64]
        return (0..<20).map { UInt8(0x21 + (words[$0 / 8] >> (8 * UInt64($0 % 8)) & 0xFF) % 94) }
    }
}
