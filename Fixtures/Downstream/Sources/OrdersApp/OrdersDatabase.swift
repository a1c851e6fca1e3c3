/// What the app needs of its database: a query's rows as text. In production a MySQL client pool that logs in to the
/// RDS Proxy with an IAM token answers it; the tests give one that logs in through a sandbox's proxy the same way.
public protocol OrdersDatabase: Sendable {
    func rows(_ sql: String) async throws -> [[String?]]
}
