import SandboxScriptedMySQL
import SandboxScriptedPostgres

/// An instance of an Aurora-style cluster, of either engine, as failover handles it: stopped when it fails or
/// restarts, started again as a reader, made writable when promoted.
package protocol ClusterMember: AnyObject, Sendable {
    var isRunning: Bool { get }
    func start() async throws
    /// Stops listening and drops every connection (data stays).
    func stop() async
    /// A reader refuses writes (MySQL 1290, PostgreSQL 25006); a promoted reader is made writable.
    func setReadOnly(_ readOnly: Bool)
    /// `observer` is told each time the instance stops listening.
    func setStopObserver(_ observer: (@Sendable () -> Void)?)
}

extension ScriptedMySQLServer: ClusterMember {}
extension ScriptedPostgresServer: ClusterMember {}
