import Foundation

/// Where everything in a running sandbox listens: the JSON endpoints file outside clients read.
/// Later steps add keys beside `databases`; the shape of existing keys stays.
public struct Endpoints: Sendable, Codable, Equatable {
    public struct Database: Sendable, Codable, Equatable {
        public var host: String
        public var port: Int
        /// The AWS-style DNS name (in the certificate's SANs).
        public var endpoint: String
        /// PEM file of the CA that signed this instance's certificate; `nil` when TLS is disabled.
        public var caBundle: String?
        public var tls: String
        public var users: [String: String]
    }

    public var databases: [String: Database]

    public init(databases: [String: Database] = [:]) {
        self.databases = databases
    }

    /// Writes the file atomically, readable only by its owner (it holds passwords).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(self).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    public static func read(from path: String) throws -> Endpoints {
        try JSONDecoder().decode(Endpoints.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
