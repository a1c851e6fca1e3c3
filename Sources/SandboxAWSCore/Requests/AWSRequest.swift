import Foundation
import SandboxSigV4

/// One request to the AWS endpoint, collected: what SigV4 verification and the services read.
public struct AWSRequest: Sendable {
    public var method: String
    public var path: String
    public var query: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The caller's address (for aws:SourceIp).
    public var sourceIP: String?

    package init(
        method: String,
        path: String,
        query: String,
        headers: [(name: String, value: String)],
        body: [UInt8],
        sourceIP: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.sourceIP = sourceIP
    }

    public var sigV4: SigV4Request {
        SigV4Request(method: self.method, path: self.path, query: self.query, headers: self.headers, body: self.body)
    }

    public func header(_ name: String) -> String? { self.sigV4.header(name) }

    /// `X-Amz-Target: secretsmanager.GetSecretValue` → ("secretsmanager", "GetSecretValue").
    public var target: (prefix: String, operation: String)? {
        guard let target = self.header("x-amz-target"), let dot = target.lastIndex(of: ".") else { return nil }
        return (String(target[..<dot]), String(target[target.index(after: dot)...]))
    }

    /// The service named by the Authorization header's credential scope (before verification: for error shapes only).
    public var scopeService: String? {
        guard let authorization = self.header("authorization"), let start = authorization.range(of: "Credential=")
        else { return nil }
        let parts = authorization[start.upperBound...].prefix { $0 != "," && $0 != " " }.split(separator: "/")
        return parts.count == 5 ? String(parts[3]) : nil
    }

    /// Form parameters of a query-protocol request (body, or URL query for GET).
    public var queryForm: QueryForm {
        QueryForm(self.method == "GET" ? self.query : String(decoding: self.body, as: UTF8.self))
    }
}
