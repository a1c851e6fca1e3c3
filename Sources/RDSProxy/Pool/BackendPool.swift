import Foundation
import MySQLNIO
import NIOCore

/// A backend connection lent to one client, with the session state last applied to it.
final class BackendLease: @unchecked Sendable {
    let connection: MySQLConnection
    let user: String
    /// The tracked session state this connection is in (what the proxy applied or saw applied).
    var state = SessionState()

    init(connection: MySQLConnection, user: String) {
        self.connection = connection
        self.user = user
    }
}

/// The proxy's connections to its target: at most `maxConnections` (MaxConnectionsPercent of the target's
/// max_connections), at most `maxIdle` kept idle; a borrower waits up to `borrowTimeout`, then gets 9501.
/// Connections are per database user: an idle connection of another user is closed to make room.
actor BackendPool {
    struct Metrics: Sendable, Equatable {
        var open = 0
        var idle = 0
        var borrowed = 0
        var waiting = 0
        var borrowWaits = 0
        var borrowTimeouts = 0
        var opened = 0
    }

    enum Failure: Error { case borrowTimeout }

    private let maxConnections: Int
    private let maxIdle: Int
    private let borrowTimeout: Duration
    private let open: @Sendable (String) async throws -> MySQLConnection
    private var idle: [BackendLease] = []
    private var total = 0
    private var waiters: [(id: UInt64, user: String, continuation: CheckedContinuation<BackendLease, any Error>)] = []
    private var nextWaiter: UInt64 = 0
    private(set) var metrics = Metrics()

    init(maxConnections: Int, maxIdle: Int, borrowTimeout: Duration, open: @escaping @Sendable (String) async throws -> MySQLConnection) {
        self.maxConnections = max(1, maxConnections)
        self.maxIdle = max(0, maxIdle)
        self.borrowTimeout = borrowTimeout
        self.open = open
    }

    /// A connection logged in as `user`: an idle one, a new one while under the limit, or the next one given back.
    func borrow(user: String) async throws -> BackendLease {
        if let index = self.idle.firstIndex(where: { $0.user == user }) {
            return self.lend(self.idle.remove(at: index))
        }
        if self.total >= self.maxConnections, let index = self.idle.indices.first {
            self.retire(self.idle.remove(at: index))  // another user's idle connection makes room once it is closed
        }
        if self.total < self.maxConnections {
            self.total += 1
            self.metrics.opened += 1
            do {
                return self.lend(BackendLease(connection: try await self.open(user), user: user))
            } catch {
                self.total -= 1
                throw error
            }
        }
        self.metrics.borrowWaits += 1
        self.nextWaiter += 1
        let id = self.nextWaiter
        let timeout = self.borrowTimeout
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.expire(id)
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            self.waiters.append((id, user, continuation))
            self.refreshMetrics()
        }
    }

    /// Takes a connection back: to a waiter, to the idle set, or closed (not reusable, or too many idle).
    func giveBack(_ lease: BackendLease, reusable: Bool) {
        self.metrics.borrowed -= 1
        guard reusable else {
            self.retire(lease)
            return self.refreshMetrics()
        }
        if let index = self.waiters.firstIndex(where: { $0.user == lease.user }) {
            let waiter = self.waiters.remove(at: index)
            waiter.continuation.resume(returning: self.lend(lease))
        } else if self.waiters.isEmpty, self.idle.count < self.maxIdle {
            self.idle.append(lease)
        } else {
            self.retire(lease)
        }
        self.refreshMetrics()
    }

    /// Closes a connection; its slot counts until the close is done, so the target never sees more than the
    /// pool's limit (a new login racing the old one's close would meet max_connections).
    private func retire(_ lease: BackendLease) {
        Task {
            await lease.connection.close()
            self.total -= 1
            self.serveWaiterWithNewConnection()
            self.refreshMetrics()
        }
    }

    /// Closes every idle connection (shutdown, target failover).
    func drain() async {
        let closing = self.idle
        self.idle.removeAll()
        self.total -= closing.count
        for lease in closing { await lease.connection.close() }
        self.refreshMetrics()
    }

    private func lend(_ lease: BackendLease) -> BackendLease {
        self.metrics.borrowed += 1
        self.refreshMetrics()
        return lease
    }

    /// A slot freed up: open a connection for the first waiter (of any user).
    private func serveWaiterWithNewConnection() {
        guard !self.waiters.isEmpty, self.total < self.maxConnections else { return }
        let waiter = self.waiters.removeFirst()
        self.total += 1
        self.metrics.opened += 1
        Task {
            do {
                let connection = try await self.open(waiter.user)
                waiter.continuation.resume(returning: self.lend(BackendLease(connection: connection, user: waiter.user)))
            } catch {
                self.failedOpen()
                waiter.continuation.resume(throwing: error)
            }
        }
    }

    private func failedOpen() { self.total -= 1; self.refreshMetrics() }

    private func expire(_ id: UInt64) {
        guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return }
        self.waiters.remove(at: index).continuation.resume(throwing: Failure.borrowTimeout)
        self.metrics.borrowTimeouts += 1
        self.refreshMetrics()
    }

    private func refreshMetrics() {
        self.metrics.open = self.total
        self.metrics.idle = self.idle.count
        self.metrics.waiting = self.waiters.count
    }
}
