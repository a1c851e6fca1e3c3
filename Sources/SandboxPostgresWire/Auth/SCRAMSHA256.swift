import Crypto
import Foundation

/// What a server keeps of a password for SCRAM-SHA-256 (RFC 5802, RFC 7677), as PostgreSQL stores it in
/// `pg_authid`: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64). The password itself is not kept.
public struct SCRAMSHA256Verifier: Sendable, Equatable {
    public var salt: [UInt8]
    public var iterations: Int
    public var storedKey: [UInt8]
    public var serverKey: [UInt8]

    /// Derives the keys from `password` (used as its UTF-8 bytes: SASLprep leaves ASCII passwords unchanged).
    public init(password: String, salt: [UInt8], iterations: Int = 4_096) {
        let salted = SCRAM.saltedPassword(Array(password.utf8), salt: salt, iterations: iterations)
        (self.salt, self.iterations) = (salt, iterations)
        self.storedKey = Array(SHA256.hash(data: SCRAM.hmac(salted, "Client Key")))
        self.serverKey = SCRAM.hmac(salted, "Server Key")
    }

    /// Parses PostgreSQL's stored form; nil when `text` is not one.
    public init?(stored text: String) {
        let parts = text.split(separator: "$")
        guard parts.count == 3, parts[0] == "SCRAM-SHA-256" else { return nil }
        let head = parts[1].split(separator: ":")
        let keys = parts[2].split(separator: ":")
        guard head.count == 2, keys.count == 2, let iterations = Int(head[0]), iterations > 0,
            let salt = Data(base64Encoded: String(head[1])), let stored = Data(base64Encoded: String(keys[0])),
            let server = Data(base64Encoded: String(keys[1])), stored.count == 32, server.count == 32
        else { return nil }
        (self.salt, self.iterations, self.storedKey, self.serverKey) = (
            Array(salt), iterations, Array(stored), Array(server)
        )
    }

    /// PostgreSQL's stored form.
    public var stored: String {
        "SCRAM-SHA-256$\(self.iterations):"
            + "\(Data(self.salt).base64EncodedString())$\(Data(self.storedKey).base64EncodedString()):"
            + "\(Data(self.serverKey).base64EncodedString())"
    }
}

/// Why a SCRAM exchange failed; a server answers every case with 28P01 "password authentication failed".
public enum SCRAMError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case channelBindingUnsupported
    case nonceMismatch
    case wrongProof
    case outOfOrder

    public var description: String {
        switch self {
        case let .malformed(what): "malformed SCRAM message: \(what)"
        case .channelBindingUnsupported:
            "the client asked for channel binding (SCRAM-SHA-256-PLUS), which this server does not offer"
        case .nonceMismatch: "the client's final message does not carry the nonce of this exchange"
        case .wrongProof: "the client's proof does not match the password"
        case .outOfOrder: "a SCRAM message arrived out of order"
        }
    }
}

/// The server's side of one SCRAM-SHA-256 exchange, without I/O: the client-first message in, the server-first out;
/// the client-final in, the server-final (its signature, which proves the server knows the verifier) out.
public struct SCRAMServerExchange: Sendable {
    private enum State: Sendable {
        case awaitingClientFirst
        case awaitingClientFinal(clientFirstBare: String, serverFirst: String, nonce: String, binding: String)
        case done
    }

    private let verifier: SCRAMSHA256Verifier
    private let serverNonce: String
    private var state = State.awaitingClientFirst

    /// `serverNonce`: printable characters other than `,`, fresh for each exchange.
    public init(verifier: SCRAMSHA256Verifier, serverNonce: String) {
        (self.verifier, self.serverNonce) = (verifier, serverNonce)
    }

    public mutating func receiveClientFirst(_ data: [UInt8]) throws(SCRAMError) -> [UInt8] {
        guard case .awaitingClientFirst = self.state else { throw .outOfOrder }
        let text = String(decoding: data, as: UTF8.self)
        // gs2-header: "n,," (no channel binding), "y,," (the client could, and thinks the server cannot), "p=...,,"
        // (binding).
        let fields = text.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { throw .malformed("client-first-message \"\(text.prefix(60))\"") }
        if fields[0].hasPrefix("p=") { throw .channelBindingUnsupported }
        guard fields[0] == "n" || fields[0] == "y", fields[1].isEmpty || fields[1].hasPrefix("a=") else {
            throw .malformed("gs2 header \"\(fields[0]),\(fields[1])\"")
        }
        let bare = String(fields[2])
        guard let clientNonce = SCRAM.attribute("r", in: bare), !clientNonce.isEmpty else {
            throw .malformed("client-first-message without a nonce")
        }
        let nonce = clientNonce + self.serverNonce
        let serverFirst = "r=\(nonce),s=\(Data(self.verifier.salt).base64EncodedString()),i=\(self.verifier.iterations)"
        self.state = .awaitingClientFinal(
            clientFirstBare: bare,
            serverFirst: serverFirst,
            nonce: nonce,
            binding: "\(fields[0]),\(fields[1]),"
        )
        return Array(serverFirst.utf8)
    }

    public mutating func receiveClientFinal(_ data: [UInt8]) throws(SCRAMError) -> [UInt8] {
        guard case let .awaitingClientFinal(bare, serverFirst, nonce, binding) = self.state else { throw .outOfOrder }
        self.state = .done
        let text = String(decoding: data, as: UTF8.self)
        guard let proofRange = text.range(of: ",p=") else { throw .malformed("client-final-message without a proof") }
        let withoutProof = String(text[..<proofRange.lowerBound])
        guard SCRAM.attribute("c", in: withoutProof) == Data(binding.utf8).base64EncodedString() else {
            throw .malformed("client-final-message: channel binding data does not match the gs2 header")
        }
        guard SCRAM.attribute("r", in: withoutProof) == nonce else { throw .nonceMismatch }
        guard let proof = Data(base64Encoded: String(text[proofRange.upperBound...])), proof.count == 32 else {
            throw .malformed("client proof")
        }
        let authMessage = Array("\(bare),\(serverFirst),\(withoutProof)".utf8)
        let signature = SCRAM.hmac(self.verifier.storedKey, authMessage)
        let clientKey = zip(proof, signature).map { $0 ^ $1 }
        guard Array(SHA256.hash(data: clientKey)) == self.verifier.storedKey else { throw .wrongProof }
        return Array("v=\(Data(SCRAM.hmac(self.verifier.serverKey, authMessage)).base64EncodedString())".utf8)
    }
}

/// The client's side, for the sandbox's own clients and tests: client-first out, server-first in, client-final out,
/// server-final checked.
public struct SCRAMClientExchange: Sendable {
    private let password: [UInt8]
    private let clientNonce: String
    private var authMessage: [UInt8] = []
    private var serverKey: [UInt8] = []

    public init(password: String, clientNonce: String) {
        (self.password, self.clientNonce) = (Array(password.utf8), clientNonce)
    }

    /// The client-first message; PostgreSQL ignores the user name in it (the startup message named the user).
    public var clientFirst: [UInt8] { Array("n,,n=,r=\(self.clientNonce)".utf8) }

    public mutating func receiveServerFirst(_ data: [UInt8]) throws(SCRAMError) -> [UInt8] {
        let serverFirst = String(decoding: data, as: UTF8.self)
        guard let nonce = SCRAM.attribute("r", in: serverFirst), nonce.hasPrefix(self.clientNonce),
            nonce.count > self.clientNonce.count
        else {
            throw .nonceMismatch
        }
        guard let salt = SCRAM.attribute("s", in: serverFirst).flatMap({ Data(base64Encoded: $0) }),
            let iterations = SCRAM.attribute("i", in: serverFirst).flatMap(Int.init), iterations > 0
        else {
            throw .malformed("server-first-message \"\(serverFirst.prefix(80))\"")
        }
        let salted = SCRAM.saltedPassword(self.password, salt: Array(salt), iterations: iterations)
        let clientKey = SCRAM.hmac(salted, "Client Key")
        self.serverKey = SCRAM.hmac(salted, "Server Key")
        let withoutProof = "c=biws,r=\(nonce)"
        self.authMessage = Array("n=,r=\(self.clientNonce),\(serverFirst),\(withoutProof)".utf8)
        let signature = SCRAM.hmac(Array(SHA256.hash(data: clientKey)), self.authMessage)
        let proof = zip(clientKey, signature).map { $0 ^ $1 }
        return Array("\(withoutProof),p=\(Data(proof).base64EncodedString())".utf8)
    }

    /// Whether the server-final message proves the server holds the verifier.
    public func verifyServerFinal(_ data: [UInt8]) -> Bool {
        String(decoding: data, as: UTF8.self)
            == "v=\(Data(SCRAM.hmac(self.serverKey, self.authMessage)).base64EncodedString())"
    }
}

enum SCRAM {
    static func hmac(_ key: [UInt8], _ message: String) -> [UInt8] { self.hmac(key, Array(message.utf8)) }

    static func hmac(_ key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// Hi(password, salt, i) of RFC 5802: PBKDF2 with HMAC-SHA-256, one block. The HMAC's inner and outer hashes
    /// of the key are computed once and copied for each of the 4,096 rounds, as PBKDF2 implementations do.
    static func saltedPassword(_ password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        var key = password.count > SHA256.blockByteCount ? Array(SHA256.hash(data: password)) : password
        key += [UInt8](repeating: 0, count: SHA256.blockByteCount - key.count)
        var inner = SHA256()
        var outer = SHA256()
        inner.update(data: key.map { $0 ^ 0x36 })
        outer.update(data: key.map { $0 ^ 0x5C })
        func hmac(_ message: [UInt8]) -> [UInt8] {
            var innerHash = inner
            var outerHash = outer
            innerHash.update(data: message)
            outerHash.update(data: Array(innerHash.finalize()))
            return Array(outerHash.finalize())
        }
        var block = hmac(salt + [0, 0, 0, 1])
        var result = block
        for _ in 1..<max(iterations, 1) {
            block = hmac(block)
            for index in result.indices { result[index] ^= block[index] }
        }
        return result
    }

    /// The value of attribute `name` (`r`, `s`, `i`, `c`, `p`) in a comma-separated SCRAM message.
    static func attribute(_ name: Character, in message: String) -> String? {
        message.split(separator: ",", omittingEmptySubsequences: false).first {
            $0.first == name && $0.dropFirst().first == "="
        }.map { String($0.dropFirst(2)) }
    }
}
