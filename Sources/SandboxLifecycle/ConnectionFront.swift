import NIOCore

/// Runs first for every accepted connection, on its event loop, before the server's protocol sees it: it may add
/// handlers in front (faults) and returns false to withhold the connection from the server (a security group
/// dropping it), having installed whatever now owns the connection.
public typealias ConnectionFront = @Sendable (any Channel) throws -> Bool
