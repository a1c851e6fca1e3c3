import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SandboxPostgresNIO
import SandboxPostgresWire

/// One PostgreSQL client of the proxy: logs it in (IAM or the secret's password), then runs each command on a target
/// connection borrowed for it, held while a transaction is open, or pinned until the client leaves. The client's
/// prepared statements and portals live in its own state machine, so the extended query protocol never pins: each
/// Execute is sent to whichever connection the command gets, as Parse, Bind, Execute and Sync.
final class PostgresProxySession: PostgresServerSession, Sendable {
    typealias Machine = PostgresServerStateMachine
    private struct State {
        var key = ""
        var user = ""
        var held: PostgresBackendLease?
        /// The target connection a command runs on now (what a CancelRequest cancels).
        var running: PostgresBackendLease?
        var pinReason: String?
        var busy = false
        var closed = false
        var admitted = false
        var lastActive: ContinuousClock.Instant
    }

    private let server: PostgresProxyServer
    private let info: PostgresConnectionInfo
    private var logger: Logger { self.info.logger(from: self.server.configuration.logger) }
    private let state: NIOLockedValueBox<State>

    init(server: PostgresProxyServer, info: PostgresConnectionInfo) {
        (self.server, self.info) = (server, info)
        self.state = NIOLockedValueBox(State(lastActive: server.configuration.clock.now))
    }

    var idleSince: ContinuousClock.Instant? { self.state.withLockedValue { $0.busy ? nil : $0.lastActive } }

    // MARK: Login

    func authMethod(for startup: Machine.Startup) -> Result<Machine.AuthMethod, PostgresError> {
        if let options = startup.parameters["options"] {
            self.server.audit.record(
                user: startup.user,
                outcome: "refused",
                reason: "the client sent the startup parameter options (\(options)), which "
                    + "RDS Proxy does not support: drop it, and set what it sets in the target group's InitQuery "
                    + "or with SET"
            )
            return .failure(
                PostgresError(
                    .fatal,
                    "0A000",
                    "Feature not supported: RDS Proxy currently doesn't support command-line options."
                )
            )
        }
        if let replication = startup.parameters["replication"],
            !["false", "off", "0", "no"].contains(replication.lowercased())
        {
            return .failure(
                PostgresError(
                    .fatal,
                    "0A000",
                    "Feature not supported: RDS Proxy currently doesn't support streaming replication mode."
                )
            )
        }
        if let option = startup.parameters.keys.sorted().first(where: {
            !PostgresProxyServer.acceptedStartupParameters.contains($0.lowercased())
        }) {
            return .failure(
                PostgresError(
                    .fatal,
                    "0A000",
                    "Feature not supported: RDS Proxy currently doesn't support the option \(option)."
                )
            )
        }
        if self.server.configuration.record.requireTLS, !startup.isTLS {
            self.server.audit.record(
                user: startup.user,
                outcome: "refused",
                reason: "RequireTLS is on and the client connected without TLS (sslmode=disable)"
            )
            return .failure(PostgresError(.fatal, "08P01", "This RDS Proxy requires TLS connections."))
        }
        guard self.server.admit(self, processID: self.info.processID) else {
            let limit = self.server.configuration.maxClientConnections
            return .failure(
                PostgresError(
                    .fatal,
                    "53300",
                    "The maximum number of client connections to the proxy exceeded \(limit)."
                )
            )
        }
        self.state.withLockedValue { $0.admitted = true }
        return self.server.authenticator.postgresMethod(for: startup)
    }

    func verify(_ startup: Machine.Startup, _ credential: Machine.Credential) -> Machine.Verdict {
        if let error = self.server.authenticator.postgresVerify(
            startup,
            credential,
            sourceIP: self.info.remoteAddress?.ipAddress
        ) {
            return .rejected(error)
        }
        // The target's own parameters, then what this client asked for at startup.
        var parameters = self.server.targetParameters
        parameters["session_authorization"] = startup.user
        for name in ["application_name", "client_encoding", "DateStyle", "TimeZone"] {
            if let value = startup.parameters.first(where: { $0.key.lowercased() == name.lowercased() })?.value {
                parameters[name] = value
            }
        }
        return .accepted(parameters: parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    func authenticated(_ startup: Machine.Startup) {
        self.state.withLockedValue {
            $0.user = startup.user
            $0.key = PostgresProxyServer.key(user: startup.user, database: startup.database)
        }
    }

    // MARK: Commands

    func execute(_ command: Machine.Command) async -> Machine.CommandResult {
        let wasHeld = self.started()
        let lease: PostgresBackendLease
        switch await self.connection() {
        case let .success(borrowed): lease = borrowed
        case let .failure(error):
            self.finished()
            return .failed(error, .idle)
        }
        self.state.withLockedValue { $0.running = lease }
        let answer: Result<[BackendMessage], any Error>
        do {
            answer = .success(try await lease.connection.exchange(Self.messages(for: command)))
        } catch {
            answer = .failure(error)
        }
        return self.answered(command, on: lease, wasHeld: wasHeld, answer)
    }

    /// A command on the connection the client holds, or on an idle one taken at once (preferably on the client's own
    /// event loop): no suspension and no thread hop on the common path.
    func startExecute(
        _ command: Machine.Command,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<Machine.CommandResult>? {
        let (held, key) = self.state.withLockedValue { ($0.held, $0.key) }
        let lease: PostgresBackendLease
        if let held {
            lease = held
        } else {
            guard let idle = self.server.pool.borrowIdle(user: key, on: eventLoop) else { return nil }
            guard idle.connection.isActive else {
                self.server.pool.giveBack(idle, reusable: false)
                return nil
            }
            lease = idle
        }
        let wasHeld = self.started()
        self.state.withLockedValue { $0.running = lease }
        return lease.connection.send(Self.messages(for: command)).map { .success($0) }.recover { .failure($0) }.map {
            answer in
            self.answered(command, on: lease, wasHeld: wasHeld, answer)
        }
    }

    /// The command's messages to the target: a simple query as it is; Parse with Describe and Sync; an Execute as
    /// Parse, Bind, Execute and Sync on the unnamed statement and portal.
    private static func messages(for command: Machine.Command) -> [FrontendMessage] {
        switch command {
        case let .simpleQuery(text): [.query(text)]
        case let .parse(query, types):
            [.parse(statement: "", query: query, parameterTypes: types), .describe(.statement, name: ""), .sync]
        case let .execute(execution):
            [
                .parse(statement: "", query: execution.query, parameterTypes: execution.parameterTypes),
                .bind(
                    portal: "",
                    statement: "",
                    parameterFormats: execution.parameterFormats,
                    parameters: execution.parameters,
                    resultFormats: execution.columns.map(\.format)
                ),
                .execute(portal: "", maxRows: 0), .sync,
            ]
        }
    }

    /// Marks the session busy; whether it held a connection before the command.
    private func started() -> Bool {
        self.state.withLockedValue { state in
            (state.busy, state.lastActive) = (true, self.server.configuration.clock.now)
            return state.held != nil
        }
    }

    private func finished() {
        self.state.withLockedValue { state in
            (state.busy, state.lastActive, state.running) = (false, self.server.configuration.clock.now, nil)
        }
    }

    /// The client's answer from the target's, and the connection kept or given back.
    private func answered(
        _ command: Machine.Command,
        on lease: PostgresBackendLease,
        wasHeld: Bool,
        _ answer: Result<[BackendMessage], any Error>
    ) -> Machine.CommandResult {
        defer { self.finished() }
        let messages: [BackendMessage]
        switch answer {
        case let .success(answered): messages = answered
        case let .failure(error):
            self.settle(lease, status: .idle, pinReason: nil, reusable: false)
            // A connection borrowed for this command held nothing of the client's: the client stays (its next command
            // gets another, as after a failover). One that held its transaction or pinned state ends the session with
            // it.
            let message = "Request returned an error: the database connection was lost (\(error))."
            if !wasHeld { return .failed(PostgresError(.error, "08006", message), .idle) }
            return .terminate([.error(PostgresError(.fatal, "08006", message))])
        }
        guard case let .readyForQuery(status)? = messages.last else {
            self.settle(lease, status: .idle, pinReason: nil, reusable: false)
            return .terminate([
                .error(
                    PostgresError(
                        .fatal,
                        "08P01",
                        "Request returned an error: the database answered without ReadyForQuery."
                    )
                )
            ])
        }
        let body = messages.dropLast()
        let failure = body.lazy.compactMap { if case let .error(error) = $0 { error } else { nil } }.first
        let pinReason: String? =
            switch command {
            case .parse: nil
            case let .simpleQuery(sql): failure == nil ? PostgresPinning.reason(for: sql) : nil
            case let .execute(execution): failure == nil ? PostgresPinning.reason(for: execution.query) : nil
            }
        self.settle(lease, status: status, pinReason: pinReason, reusable: true)
        switch command {
        case .simpleQuery:
            return .completed(Array(body), status)
        case .parse:
            if let failure { return .failed(failure, status) }
            var types: [Int32] = []
            var columns: [BackendMessage.Column]?
            for message in body {
                if case let .parameterDescription(oids) = message { types = oids }
                if case let .rowDescription(described) = message { columns = described }
            }
            return .parsed(.init(parameterTypes: types, columns: columns))
        case .execute:
            if let failure { return .failed(failure, status) }
            return .completed(body.filter { $0 != .parseComplete && $0 != .bindComplete }, status)
        }
    }

    /// The client's CancelRequest (its BackendKeyData checked by the server): relayed, from the proxy's ENI, to the
    /// target connection its command runs on now; nothing when none runs.
    func cancelRunning(_ secretKey: Int32) async {
        guard secretKey == self.info.secretKey, let lease = self.state.withLockedValue({ $0.running }),
            let address = lease.connection.channel.remoteAddress
        else { return }
        let source = try? self.server.target.sourceAddress.map { try SocketAddress(ipAddress: $0, port: 0) }
        try? await PostgresClientConnection.sendCancel(
            to: address,
            processID: lease.connection.processID,
            secretKey: lease.connection.secretKey,
            sourceAddress: source ?? nil
        )
    }

    /// The held connection, or one borrowed for this command.
    private func connection() async -> Result<PostgresBackendLease, PostgresError> {
        let (held, key, user) = self.state.withLockedValue { ($0.held, $0.key, $0.user) }
        if let held { return .success(held) }
        do {
            return .success(try await self.server.pool.borrow(user: key, on: self.info.eventLoop))
        } catch BackendPoolState.Failure.borrowTimeout {
            self.server.auditBorrowTimeout(user: user)
            return .failure(PostgresError(.error, "08000", "Timed-out waiting to acquire database connection."))
        } catch let error as PostgresClientError {
            return .failure(
                PostgresError(
                    .error,
                    error.serverError?.sqlState ?? "08006",
                    "Request returned an error: \(error.serverError?.message ?? "\(error)")"
                )
            )
        } catch {
            return .failure(PostgresError(.error, "08006", "Request returned an error: \(error)"))
        }
    }

    /// After a command: keep the connection (an open transaction, a pin) or give it back.
    private func settle(
        _ lease: PostgresBackendLease,
        status: BackendMessage.TransactionStatus,
        pinReason: String?,
        reusable: Bool
    ) {
        let decision = self.state.withLockedValue { state -> LeaseDecision in
            if let pinReason, state.pinReason == nil {
                state.pinReason = pinReason
                self.logger.info(
                    """
                    The client session was pinned to the database connection [dbConnection=\(lease.id)] for the \
                    remainder of the session. \
                    The proxy can't reuse this connection until the session ends. Reason: \(pinReason). \
                    Consider moving session configuration to the proxy's initialization query.
                    """
                )
            }
            let decision = LeaseDecision.after(
                reusable: reusable,
                clientGone: state.closed,
                pinned: state.pinReason != nil,
                inTransaction: status != .idle
            )
            state.held = decision == .hold ? lease : nil
            return decision
        }
        if case let .giveBack(reusable) = decision { self.server.pool.giveBack(lease, reusable: reusable) }
        self.server.metrics.update(
            pinned: self.state.withLockedValue { $0.pinReason != nil },
            session: UInt32(bitPattern: self.info.processID)
        )
    }

    func closed() {
        let (held, admitted) = self.state.withLockedValue { state -> (PostgresBackendLease?, Bool) in
            state.closed = true
            defer { if !state.busy { state.held = nil } }
            return (state.busy ? nil : state.held, state.admitted)
        }
        if admitted { self.server.sessionClosed(self.info.processID) }
        // A vanished client's connection may hold a transaction or session state: discarded, never lent again.
        if let held { self.server.pool.giveBack(held, reusable: false) }
    }
}
