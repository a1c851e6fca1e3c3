extension Topology.Function {
    /// A Lambda runtime whose Runtime API client the sandbox ships, as Lambda's managed runtimes do: a function on
    /// one needs no `command`, only its `runtime`, its `handler` (`file.export`) and its code folder (`workingDirectory`).
    public enum ManagedRuntime: String, Sendable, Equatable {
        /// `nodejs18.x`, `nodejs20.x`, `nodejs22.x`: `node` with the sandbox's client.
        case nodejs

        /// The managed runtime AWS's runtime name stands for, or nil (python3.x runs through `command`, as
        /// awslambdaric; `provided.*` is its own `bootstrap`).
        public init?(runtime: String) {
            guard runtime.hasPrefix("nodejs") else { return nil }
            self = .nodejs
        }

        /// The program it needs on PATH.
        public var program: String { "node" }
    }

    /// The managed runtime this function runs on: a runtime the sandbox ships the client of, with a code folder and
    /// neither `command` nor `builtin`.
    public var managedRuntime: ManagedRuntime? {
        guard self.command == nil, self.builtin == nil, self.workingDirectory != nil else { return nil }
        return self.runtime.flatMap(ManagedRuntime.init(runtime:))
    }
}
