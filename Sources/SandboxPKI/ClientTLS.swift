import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// A client's TLS settings for a database connection (MySQL's upgrade, PostgreSQL's SSLRequest): the trusted roots
/// and the name the certificate must carry.
public struct ClientTLS: Sendable {
    public var configuration: TLSConfiguration {
        didSet { self.context = ContextCache() }
    }
    /// The host name checked against the certificate; `nil` checks the peer's IP address.
    public var serverHostname: String?
    /// The context built from `configuration` (its trust roots loaded), once for every connection that uses
    /// these settings rather than once per connection.
    private var context = ContextCache()

    public init(configuration: TLSConfiguration, serverHostname: String? = nil) {
        self.configuration = configuration
        self.serverHostname = serverHostname
    }

    public func sslContext() throws -> NIOSSLContext { try self.context.get(self.configuration) }

    private final class ContextCache: Sendable {
        private let context = NIOLockedValueBox<NIOSSLContext?>(nil)

        func get(_ configuration: TLSConfiguration) throws -> NIOSSLContext {
            try self.context.withLockedValue { context in
                if let context { return context }
                let made = try NIOSSLContext(configuration: configuration)
                context = made
                return made
            }
        }
    }

    /// Trust `caPEM` and verify the certificate fully (chain and host name or IP).
    public static func trusting(caPEM: String, serverHostname: String? = nil) throws -> ClientTLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        // Classical ECDHE only: BoringSSL's default also makes a post-quantum (ML-KEM) key share for every login,
        // most of a loopback handshake's key-exchange work.
        configuration.curves = TLSConfiguration.classicalGroups
        return ClientTLS(configuration: configuration, serverHostname: serverHostname)
    }
}

extension Channel {
    /// Closes the connection at once, as a server's KILL does: through a TLS handler's context, so its close_notify
    /// does not wait behind every pending write.
    public func closeAbruptly() {
        if let tls = try? self.pipeline.syncOperations.context(handlerType: NIOSSLServerHandler.self) {
            tls.close(promise: nil)
        } else {
            self.close(promise: nil)
        }
    }
}
