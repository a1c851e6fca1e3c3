import Crypto
import Foundation
import NIOConcurrencyHelpers

/// Keyed signing HMACs by secret and scope, bounded (cleared when full).
final class SigningKeyCache: Sendable {
    /// What a signing key is derived from.
    struct ID: Hashable, Sendable {
        var secret: String
        var scope: CredentialScope
    }

    private let macs = NIOLockedValueBox<[ID: HMAC<SHA256>]>([:])
    private let limit = 4_096

    func get(_ id: ID) -> HMAC<SHA256>? { self.macs.withLockedValue { $0[id] } }

    func set(_ id: ID, _ mac: HMAC<SHA256>) {
        self.macs.withLockedValue { macs in
            if macs.count >= self.limit { macs.removeAll(keepingCapacity: true) }
            macs[id] = mac
        }
    }
}
