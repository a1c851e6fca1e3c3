import NIOConcurrencyHelpers

/// The toxics in force, and the listeners that are down; changed at run time, read by every connection's
/// `ToxicHandler` as data passes, so changes reach open connections too.
public final class FaultTable: Sendable {
    private struct State {
        var toxics: [FaultScope: [Toxic]] = [:]
        var down: Set<String> = []
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Adds (or replaces, by name) a toxic.
    public func add(_ toxic: Toxic, to scope: FaultScope) {
        self.state.withLockedValue { state in
            state.toxics[scope, default: []].removeAll { $0.name == toxic.name }
            state.toxics[scope, default: []].append(toxic)
        }
    }

    /// Removes a toxic by name; returns whether it existed.
    @discardableResult
    public func remove(_ name: String, from scope: FaultScope) -> Bool {
        self.state.withLockedValue { state in
            let before = state.toxics[scope]?.count ?? 0
            state.toxics[scope]?.removeAll { $0.name == name }
            return (state.toxics[scope]?.count ?? 0) != before
        }
    }

    public func toxics(in scope: FaultScope) -> [Toxic] { self.state.withLockedValue { $0.toxics[scope] ?? [] } }

    /// The toxics of a connection from `source` to `destination`: the listener's, then the path's.
    func toxics(from source: String, to destination: String) -> [Toxic] {
        self.state.withLockedValue { state in
            guard !state.toxics.isEmpty else { return [] }  // most sandboxes: no lookups per read and write
            return (state.toxics[.listener(destination)] ?? [])
                + (state.toxics[.path(from: source, to: destination)] ?? [])
        }
    }

    /// Marks a listener down (Toxiproxy's disabled proxy: connections reset) or up again.
    public func setDown(_ owner: String, _ down: Bool) {
        self.state.withLockedValue { state in
            if down { state.down.insert(owner) } else { state.down.remove(owner) }
        }
    }

    public func isDown(_ owner: String) -> Bool { self.state.withLockedValue { $0.down.contains(owner) } }
}
