extension Topology.Function {
    /// A Lambda runtime the sandbox runs from the function's code folder alone, as Lambda's managed runtimes do: a
    /// function on one needs no `command`, only its `runtime`, its `handler` and its code folder (`workingDirectory`).
    public enum ManagedRuntime: String, Sendable, Equatable {
        /// `nodejs18.x`, `nodejs20.x`, `nodejs22.x`: `node` with the sandbox's Runtime API client, handler
        /// `file.export`.
        case nodejs
        /// `go1.x`: the handler names the executable in the code folder (as `sam build` leaves it), built from the
        /// folder's Go sources when it is not there.
        case go

        /// The managed runtime AWS's runtime name stands for, or nil (python3.x runs through `command`, as
        /// awslambdaric; `provided.*` is its own `bootstrap`).
        public init?(runtime: String) {
            if runtime.hasPrefix("nodejs") {
                self = .nodejs
            } else if runtime == "go1.x" {
                self = .go
            } else {
                return nil
            }
        }

        /// The program it needs on PATH, if any (a go1.x function is its own program).
        public var program: String? {
            switch self {
            case .nodejs: "node"
            case .go: nil
            }
        }
    }

    /// The managed runtime this function runs on: a runtime the sandbox ships the client of, with a code folder and
    /// neither `command` nor `builtin`.
    public var managedRuntime: ManagedRuntime? {
        guard self.command == nil, self.builtin == nil, self.workingDirectory != nil else { return nil }
        return self.runtime.flatMap(ManagedRuntime.init(runtime:))
    }
}

extension Topology.Function.ManagedRuntime {
    /// Why a function on AWS's `runtime` has no runtime client in the sandbox, with what to do; nil for the runtimes
    /// it runs (python3.x through awslambdaric, nodejs*, go1.x, provided.*) and names it does not know.
    public static func missingClientReason(runtime: String) -> String? {
        let client: String
        if runtime.hasPrefix("java") {
            client = "AWS's Java runtime interface client (aws-lambda-java-runtime-interface-client) and a JVM"
        } else if runtime.hasPrefix("dotnet") {
            client = "AWS's .NET runtime support (Amazon.Lambda.RuntimeSupport) and the .NET runtime"
        } else if runtime.hasPrefix("ruby") {
            client = "AWS's Ruby runtime interface client (the aws_lambda_ric gem)"
        } else {
            return nil
        }
        return
            "runtime \(runtime) needs \(client), which the sandbox does not ship; give the function a `command` "
            + "that starts its "
            + "Runtime API client (as a provided.al2023 `bootstrap` would), or bind a Swift handler"
    }
}
