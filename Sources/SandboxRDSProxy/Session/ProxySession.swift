import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import SandboxMySQLNIO
import SandboxMySQLWire

/// One client connection to the proxy: authenticates it (IAM or secret password), then runs each command on a
/// backend connection borrowed for that statement, or held for a transaction, or pinned until the client leaves.
/// Tracked session state is replayed on whatever connection a statement gets.
final class ProxySession: MySQLServerSession, Sendable {
    private struct State {
        var user = ""
        var wanted = SessionState()
        /// Held for an open transaction, or pinned.
        var held: MySQLBackendLease?
        var pinReason: String?
        var busy = false
        var closed = false
        /// The proxy asked for mysql_clear_password (an IAM token) and no answer came yet.
        var awaitingToken: String?
        /// The response being relayed to this client.
        var relaying: MySQLResponseWriter?
        var lastActive: ContinuousClock.Instant
    }

    private let server: RDSProxyServer
    private let info: MySQLConnectionInfo
    private var logger: Logger { self.info.logger(from: self.server.configuration.logger) }
    private let state: NIOLockedValueBox<State>

    init(server: RDSProxyServer, info: MySQLConnectionInfo) {
        self.server = server
        self.info = info
        self.state = NIOLockedValueBox(State(lastActive: server.configuration.clock.now))
    }

    var idleSince: ContinuousClock.Instant? { self.state.withLockedValue { $0.busy ? nil : $0.lastActive } }
    var isPinned: Bool { self.state.withLockedValue { $0.pinReason != nil } }
    /// Bytes of a relayed response queued for this client and not yet written.
    var queuedBytes: Int { self.state.withLockedValue { $0.relaying?.queuedBytes ?? 0 } }

    func authMethod(for request: ServerAuthRequest) -> Result<MySQLAuthPlugin, ErrorPacket> {
        let method = self.server.authenticator.method(for: request)
        if case .success(.clearPassword) = method { self.state.withLockedValue { $0.awaitingToken = request.username } }
        return method
    }

    func verify(_ request: ServerAuthRequest, proof: AuthProof) -> AuthVerdict {
        self.state.withLockedValue { $0.awaitingToken = nil }
        return self.server.authenticator.verify(request, proof: proof, sourceIP: self.info.remoteAddress?.ipAddress)
    }

    func authenticated(_ request: ServerAuthRequest) {
        let previous = self.state.withLockedValue { state -> MySQLBackendLease? in
            defer {
                state.user = request.username
                state.wanted = SessionState(database: request.database)
                state.held = nil
                state.pinReason = nil
            }
            return state.held
        }
        if let previous { self.server.pool.giveBack(previous, reusable: false) }  // COM_CHANGE_USER: a new session
        self.server.metrics.update(pinned: false, session: self.info.id)
    }

    func execute(_ command: MySQLCommand) async -> CommandResponse {
        await self.execute(command, relayingTo: nil)
    }

    func execute(_ command: MySQLCommand, writer: MySQLResponseWriter) async -> CommandResponse {
        await self.execute(command, relayingTo: writer)
    }

    /// A query that can start at once, without suspending: the client holds a connection, or an idle one needs
    /// no replay of session state. Saves the thread hops of the async path on the common case. A prepared
    /// statement's execute starts at once on the connection its session is pinned to.
    func startExecute(_ command: MySQLCommand, writer: MySQLResponseWriter) -> EventLoopFuture<CommandResponse>? {
        let (held, user, wanted, pinned) = self.state.withLockedValue {
            ($0.held, $0.user, $0.wanted, $0.pinReason != nil)
        }
        let effect: StatementEffect
        switch command {
        case let .query(sql):
            effect = StatementEffect.of(sql.text, excludeVariableSets: self.server.excludeVariableSets)
        case .statementExecute where held != nil && pinned: effect = StatementEffect()
        default: return nil
        }
        let lease: MySQLBackendLease
        if let held {
            lease = held
        } else {
            guard let idle = self.server.pool.borrowIdle(user: user, on: writer.eventLoop) else { return nil }
            guard !wanted.needsReplay(from: idle.state), idle.connection.channel.isActive else {
                self.server.pool.giveBack(idle, reusable: idle.connection.channel.isActive)
                return nil
            }
            lease = idle
        }
        self.state.withLockedValue {
            $0.busy = true
            $0.lastActive = self.server.configuration.clock.now
            $0.relaying = writer
        }
        return lease.connection.startRelay(command, to: writer).map { .success($0) }.recover { .failure($0) }.map {
            outcome in
            defer { self.finishCommand() }
            return self.relayed(outcome, lease: lease, held: held, effect: effect)
        }
    }

    /// Runs a command on a target connection; rows and OKs of queries and executes are relayed to `writer`
    /// as they arrive (when there is one), everything else is assembled and answered.
    private func execute(_ command: MySQLCommand, relayingTo writer: MySQLResponseWriter?) async -> CommandResponse {
        self.state.withLockedValue {
            $0.busy = true
            $0.lastActive = self.server.configuration.clock.now
        }
        defer { self.finishCommand() }
        var effect = StatementEffect()
        switch command {
        case let .query(sql):
            effect = StatementEffect.of(sql.text, excludeVariableSets: self.server.excludeVariableSets)
        case let .initDB(name):
            effect.database = name
        case .statementPrepare:
            effect.pinReason = "a prepared statement"
        case let .statementExecute(execute) where !self.isPinned:
            return .error(.unknownStatement(execute.statementID, in: "mysqld_stmt_execute"))  // never prepared here
        case .statementClose where !self.isPinned:
            return .noResponse
        case let .statementReset(id) where !self.isPinned:
            return .error(.unknownStatement(id, in: "mysqld_stmt_reset"))
        case .resetConnection:
            let held = self.state.withLockedValue { state -> MySQLBackendLease? in
                defer {
                    state.held = nil
                    state.pinReason = nil
                    state.wanted = SessionState(database: state.wanted.database)
                }
                return state.held
            }
            if let held { self.server.pool.giveBack(held, reusable: false) }
            self.server.metrics.update(pinned: false, session: self.info.id)
            return .ok(OKPacket(status: .autocommit))
        default:
            break
        }
        return await self.run(command, effect: effect, writer: writer)
    }

    private func run(
        _ command: MySQLCommand,
        effect: StatementEffect,
        writer: MySQLResponseWriter?
    ) async -> CommandResponse {
        let (held, user, wanted) = self.state.withLockedValue { ($0.held, $0.user, $0.wanted) }
        let lease: MySQLBackendLease
        if let held {
            lease = held
        } else {
            switch await self.borrow(user: user, wanted: wanted, on: writer?.eventLoop) {
            case let .lease(borrowed): lease = borrowed
            case let .refused(response): return response
            }
        }
        if let writer, Self.isRelayed(command) {
            self.state.withLockedValue { $0.relaying = writer }
            do {
                return self.relayed(
                    .success(try await lease.connection.relay(command, to: writer)),
                    lease: lease,
                    held: held,
                    effect: effect
                )
            } catch {
                return self.relayed(.failure(error), lease: lease, held: held, effect: effect)
            }
        }
        let response: CommandResponse
        var status: ServerStatus?
        var reusable = true
        var succeeded = false
        do {
            (response, status) = Self.assembled(try await lease.connection.send(command), for: command)
            succeeded = true
            self.track(effect, on: lease)
        } catch let error as MySQLClientError {
            if case let .server(packet) = error {
                response = .error(packet)
            } else {
                response = .closeConnection(nil)
                reusable = false
            }
        } catch {
            response = .closeConnection(nil)
            reusable = false
        }
        self.settle(
            lease,
            effect: effect,
            inTransaction: status?.contains(.inTransaction) ?? (held != nil),
            reusable: reusable,
            ok: succeeded
        )
        return response
    }

    /// Rows and OKs of queries and executes stream through as they come; an ERR is relayed like any other answer.
    private static func isRelayed(_ command: MySQLCommand) -> Bool {
        switch command {
        case .query, .statementExecute: true
        default: false
        }
    }

    /// After a relayed response (or the connection lost during it): settles the connection and answers the
    /// server machine (`.relayed`, or close when the response could not be completed).
    private func relayed(
        _ outcome: Result<ResponseRelay.End, any Error>,
        lease: MySQLBackendLease,
        held: MySQLBackendLease?,
        effect: StatementEffect
    ) -> CommandResponse {
        self.state.withLockedValue { $0.relaying = nil }
        switch outcome {
        case let .success(.ok(status)):
            self.track(effect, on: lease)
            self.settle(lease, effect: effect, inTransaction: status.contains(.inTransaction), reusable: true, ok: true)
            return .relayed
        case .success(.error):
            self.settle(lease, effect: effect, inTransaction: held != nil, reusable: true, ok: false)
            return .relayed
        case .failure:
            self.settle(lease, effect: effect, inTransaction: held != nil, reusable: false, ok: false)
            return .closeConnection(nil)
        }
    }

    private func track(_ effect: StatementEffect, on lease: MySQLBackendLease) {
        lease.state.variables.merge(effect.changes) { _, new in new }
        if let database = effect.database { lease.state.database = database }
    }

    private static func assembled(
        _ result: ClientConnectionStateMachine.CommandResult,
        for command: MySQLCommand
    ) -> (CommandResponse, ServerStatus?) {
        switch result {
        case let .ok(ok): (.ok(ok), ok.status)
        case let .resultSet(set):
            if case .statementExecute = command {
                (.binaryResultSet(set), set.status)
            } else {
                (.resultSet(set), set.status)
            }
        case let .prepared(statement): (.prepared(statement), nil)
        case .none: (.noResponse, nil)
        }
    }

    /// After a statement: keep the connection (transaction, pin) or give it back; track what the client set.
    private func settle(
        _ lease: MySQLBackendLease,
        effect: StatementEffect,
        inTransaction: Bool,
        reusable: Bool,
        ok: Bool
    ) {
        let decision = self.state.withLockedValue { state -> LeaseDecision in
            if ok {
                state.wanted.variables.merge(effect.changes) { _, new in new }
                if let database = effect.database { state.wanted.database = database }
            }
            if ok, let reason = effect.pinReason, state.pinReason == nil {
                state.pinReason = reason
                self.logger.debug("client pinned", metadata: ["rdsproxy.pin_reason": "\(reason)"])
            }
            let decision = LeaseDecision.after(
                reusable: reusable,
                clientGone: state.closed,
                pinned: state.pinReason != nil,
                inTransaction: inTransaction
            )
            state.held = decision == .hold ? lease : nil
            return decision
        }
        if case let .giveBack(reusable) = decision { self.server.pool.giveBack(lease, reusable: reusable) }
        self.server.metrics.update(pinned: self.isPinned, session: self.info.id)
    }

    /// A connection in the client's state. An idle connection the target has dropped meanwhile is discarded
    /// and replaced once, so a restarted or failed-over target costs a client nothing between transactions.
    private enum Borrowed {
        case lease(MySQLBackendLease)
        case refused(CommandResponse)
    }

    private func borrow(user: String, wanted: SessionState, on eventLoop: (any EventLoop)?) async -> Borrowed {
        for attempt in 0..<2 {
            let lease: MySQLBackendLease
            do { lease = try await self.server.pool.borrow(user: user, on: eventLoop) } catch {
                self.logger.warning("no database connection", metadata: ["rdsproxy.reason": "\(error)"])
                self.server.auditBorrowTimeout(user: user)
                return .refused(.error(.borrowTimeout))
            }
            do {
                try await Self.bring(lease, to: wanted)
                return .lease(lease)
            } catch {
                self.server.pool.giveBack(lease, reusable: false)
                if attempt == 1 || !Self.isConnectionLoss(error) { return .refused(Self.response(to: error)) }
            }
        }
        return .refused(.error(.borrowTimeout))
    }

    private static func isConnectionLoss(_ error: any Error) -> Bool {
        if case .server = error as? MySQLClientError { return false }
        return true
    }

    /// Replays the client's tracked state on a borrowed connection.
    private static func bring(_ lease: MySQLBackendLease, to wanted: SessionState) async throws {
        let plan = wanted.replay(from: lease.state)
        if !plan.reset, plan.database == nil, plan.statements.isEmpty, !lease.connection.channel.isActive {
            throw MySQLClientError.connectionClosed
        }
        if plan.reset {
            _ = try await lease.connection.send(.resetConnection)
            lease.state.variables = [:]
        }
        if let database = plan.database {
            _ = try await lease.connection.send(.initDB(database))
            lease.state.database = database
        }
        for statement in plan.statements { _ = try await lease.connection.query(statement) }
        lease.state.variables = wanted.variables
    }

    private static func response(to error: any Error) -> CommandResponse {
        if case let .server(packet) = error as? MySQLClientError { return .error(packet) }
        return .closeConnection(nil)
    }

    private func finishCommand() {
        self.state.withLockedValue {
            $0.busy = false
            $0.lastActive = self.server.configuration.clock.now
        }
    }

    /// A TLS handshake the client broke off goes to the audit: a client that distrusts the proxy's certificate
    /// only closes the connection (or sends an alert). The client is named where the network knows its address.
    func failed(_ error: any Error) {
        guard case let .handshakeFailed(cause) = error as? NIOSSLError else { return }
        let client =
            self.info.remoteAddress?.ipAddress.flatMap { self.server.configuration.peerName?($0) }.map {
                "the client (\($0))"
            } ?? "the client"
        self.server.audit.record(
            user: "-",
            outcome: "refused",
            reason: "TLS handshake failed: \(client) broke it off after the proxy's certificate "
                + "(\(cause)); a client that does not trust the certificate's CA does this. The proxy's "
                + "certificate chains to the sandbox's proxy CA "
                + "(in AWS, Amazon Root CA 1): verify it with the proxy CA bundle (${proxy-ca-bundle} in a "
                + "function's environment, the endpoints "
                + "file's proxy caBundle) or a function's system store, which the sandbox extends; not the RDS "
                + "instance CA bundle, and not an "
                + "AmazonRootCA1.pem shipped with the code"
        )
    }

    func closed() {
        if let user = self.state.withLockedValue({ $0.awaitingToken }) {
            self.server.audit.record(
                user: user,
                outcome: "refused",
                reason: "the client closed the connection when asked for mysql_clear_password (the IAM token): "
                    + "a client that does not enable the clear-text plugin does this"
            )
        }
        let held = self.state.withLockedValue { state -> MySQLBackendLease? in
            state.closed = true
            guard !state.busy, let held = state.held else { return nil }
            state.held = nil
            return held
        }
        self.server.sessionClosed(self.info.id)
        // A vanished client's connection is reset before anyone else gets it: discarded, never leaked.
        if let held { self.server.pool.giveBack(held, reusable: false) }
    }
}
