import Foundation
import Logging
import NIOConcurrencyHelpers

/// An execution environment for a Swift closure (registered or built-in). A timeout cannot stop Swift code, so
/// the running task is cancelled and abandoned: its answer, if it ever comes, is dropped with the instance. What
/// the closure keeps in its context's globals is closed when the environment stops.
final class SwiftFunctionInstance: FunctionInstance {
    private struct Running {
        var task: Task<Void, Never>?
        var continuation: CheckedContinuation<InvocationOutcome, Never>?
    }

    private let handler: LambdaHandler
    private let context: @Sendable (Invocation, Logger) -> LambdaContext
    private let running = NIOLockedValueBox(Running())
    private let globals: ExecutionEnvironmentGlobals

    init(
        handler: @escaping LambdaHandler,
        context: @escaping @Sendable (Invocation, Logger) -> LambdaContext,
        globals: ExecutionEnvironmentGlobals
    ) {
        self.handler = handler
        self.context = context
        self.globals = globals
    }

    var isUsable: Bool { true }

    func invoke(_ invocation: Invocation, log: InvocationLog) async -> InvocationOutcome {
        await withCheckedContinuation { continuation in
            self.running.withLockedValue { $0 = Running(task: nil, continuation: continuation) }
            let context = self.context(invocation, Logger(label: "lambda") { _ in InvocationLogHandler(log: log) })
            let handler = self.handler
            let task = Task {
                let outcome: InvocationOutcome
                do {
                    let answer = try await handler(invocation.event, context)
                    outcome = .response(answer.bytes, answer)
                } catch {
                    outcome = .error(FunctionError(error))
                }
                self.finish(outcome)
            }
            self.running.withLockedValue { $0.task = task }
        }
    }

    func stop() async {
        let task = self.running.withLockedValue { $0.task }
        self.finish(.timedOut)
        task?.cancel()
        await self.globals.end()
    }

    private func finish(_ outcome: InvocationOutcome) {
        let continuation = self.running.withLockedValue { running in
            defer { running.continuation = nil }
            return running.continuation
        }
        continuation?.resume(returning: outcome)
    }
}
