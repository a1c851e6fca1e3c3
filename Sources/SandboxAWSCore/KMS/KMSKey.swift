import Crypto
import Foundation

/// A symmetric KMS key: metadata, its key policy and its 256-bit key material (which never leaves the sandbox).
struct KMSKey: Sendable {
    var id: String
    var arn: String
    var description: String
    var policy: String
    var enabled = true
    var created: Date
    let material: SymmetricKey

    /// The policy a key gets when CreateKey names none: the account's root, which delegates to IAM policies.
    static func defaultPolicy(account: String) -> String {
        #"{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User "#
            + #"Permissions","Effect":"Allow","#
            + #""Principal":{"AWS":"arn:aws:iam::\#(account):root"},"Action":"kms:*","Resource":"*"}]}"#
    }
}

/// KMS ciphertext blobs: `0x01`, the key id (36 ASCII bytes), then AES-256-GCM's nonce, ciphertext and tag,
/// with the encryption context bound as additional authenticated data.
enum KMSCiphertext {
    static func seal(_ plaintext: [UInt8], key: KMSKey, context: [String: String]) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key.material, authenticating: Self.aad(context))
        return [1] + Array(key.id.utf8) + Array(box.combined!)
    }

    /// The key id a blob names, or nil when it is not one of ours.
    static func keyID(of blob: [UInt8]) -> String? {
        guard blob.count > 37 + 28, blob[0] == 1 else { return nil }
        return String(decoding: blob[1..<37], as: UTF8.self)
    }

    static func open(_ blob: [UInt8], key: KMSKey, context: [String: String]) throws -> [UInt8] {
        let box = try AES.GCM.SealedBox(combined: blob[37...])
        return Array(try AES.GCM.open(box, using: key.material, authenticating: Self.aad(context)))
    }

    /// The context in a canonical order, so `{"a":"1","b":"2"}` binds the same however the caller ordered it.
    private static func aad(_ context: [String: String]) -> [UInt8] {
        Array(context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n").utf8)
    }
}
