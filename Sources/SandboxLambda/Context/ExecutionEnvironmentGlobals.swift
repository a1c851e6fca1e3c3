import NIOConcurrencyHelpers

/// Something an execution environment keeps between warm invocations (a database connection in a global), closed
/// when the environment ends.
public protocol KeptResource: Sendable {
    func close() async
}

/// What one execution environment keeps between its warm invocations, as customers' code keeps a connection in a
/// global: one resource per key. A handler takes it out while it uses it and keeps it again when done, so a
/// resource is never used by two invocations; whatever is kept when the environment ends (idle, replaced, timed out,
/// the sandbox stopping) is closed, and a resource kept after that is closed at once.
public final class ExecutionEnvironmentGlobals: Sendable {
    private struct State {
        var ended = false
        var resources: [String: any KeptResource] = [:]
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Takes the resource kept under `key` out of the environment (nil: none is kept).
    public func take(_ key: String) -> (any KeptResource)? {
        self.state.withLockedValue { $0.resources.removeValue(forKey: key) }
    }

    /// Keeps `resource` under `key` for the next invocation (closing the one it replaces); once the environment has
    /// ended, closes it instead.
    public func keep(_ key: String, _ resource: any KeptResource) async {
        let (replaced, refused): ((any KeptResource)?, Bool) = self.state.withLockedValue { state in
            if state.ended { return (nil, true) }
            return (state.resources.updateValue(resource, forKey: key), false)
        }
        await replaced?.close()
        if refused { await resource.close() }
    }

    /// Ends the environment: closes what it keeps.
    func end() async {
        let resources = self.state.withLockedValue { state in
            state.ended = true
            defer { state.resources = [:] }
            return Array(state.resources.values)
        }
        for resource in resources { await resource.close() }
    }
}
