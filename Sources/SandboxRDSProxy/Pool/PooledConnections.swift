import NIOCore
import SandboxMySQLNIO
import SandboxPostgresNIO

/// The MySQL proxy's target connections, with the session variables it applied to each.
extension MySQLConnection: PooledConnection {
    static var freshState: SessionState { SessionState() }
    var eventLoop: any EventLoop { self.channel.eventLoop }
}

typealias MySQLBackendLease = BackendLease<MySQLConnection>

/// The PostgreSQL proxy's target connections: a client that pinned one keeps it, so nothing is tracked to replay.
extension PostgresClientConnection: PooledConnection {
    static var freshState: Void { () }
    var eventLoop: any EventLoop { self.channel.eventLoop }
}

typealias PostgresBackendLease = BackendLease<PostgresClientConnection>
