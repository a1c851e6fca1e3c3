import Crypto
import Foundation

/// Derived signing keys by secret and scope, bounded (cleared when full): one HMAC instead of five per signature.
final class SigningKeyCache: @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [String: SymmetricKey] = [:]
    private let limit = 4_096

    func get(_ name: String) -> SymmetricKey? { self.lock.withLock { self.keys[name] } }

    func set(_ name: String, _ key: SymmetricKey) {
        self.lock.withLock {
            if self.keys.count >= self.limit { self.keys.removeAll(keepingCapacity: true) }
            self.keys[name] = key
        }
    }
}
