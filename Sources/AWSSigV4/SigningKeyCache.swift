import Crypto
import Foundation

/// Keyed signing HMACs by secret and scope, bounded (cleared when full).
final class SigningKeyCache: @unchecked Sendable {
    /// What a signing key is derived from.
    struct ID: Hashable {
        var secret: String
        var scope: CredentialScope
    }

    private let lock = NSLock()
    private var macs: [ID: HMAC<SHA256>] = [:]
    private let limit = 4_096

    func get(_ id: ID) -> HMAC<SHA256>? { self.lock.withLock { self.macs[id] } }

    func set(_ id: ID, _ mac: HMAC<SHA256>) {
        self.lock.withLock {
            if self.macs.count >= self.limit { self.macs.removeAll(keepingCapacity: true) }
            self.macs[id] = mac
        }
    }
}
