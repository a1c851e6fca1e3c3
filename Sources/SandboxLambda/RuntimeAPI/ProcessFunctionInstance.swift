import Foundation
import Logging
import NIOConcurrencyHelpers
import SandboxAWSCore
import SandboxHTTP
import SandboxLifecycle

/// An execution environment running the customer's code as a child process that speaks the Runtime API on its
/// own port. The process is killed when the instance stops (timeout, crash, configuration change, shutdown).
final class ProcessFunctionInstance: FunctionInstance {
    private struct Core {
        var state = RuntimeAPIState()
        var initWaiter: CheckedContinuation<FunctionError?, Never>?
        var poller: CheckedContinuation<Invocation?, Never>?
        var outcome: CheckedContinuation<InvocationOutcome, Never>?
        var invocations: [String: Invocation] = [:]
        var log: InvocationLog?
        var partialLine: [UInt8] = []
        /// The output reader has seen the pipe's end and closed it.
        var readerDone = false
    }

    private let core = NIOLockedValueBox(Core())
    private let process = Process()
    /// The process's stdout and stderr. The parent's write end is closed once the process runs; a reader thread
    /// reads until the pipe's end (the process and its children gone) and then closes the read end.
    private let output = Pipe()
    /// Held while bytes are read from the pipe and logged: by the reader thread, one chunk at a time, and by an
    /// invoke that drains what its process printed before answering.
    private let outputLock = NIOLock()
    private let listener = NIOLockedValueBox<ChildService<HTTPListener>?>(nil)
    private let function: String

    private init(function: String) {
        self.function = function
    }

    /// Starts the Runtime API and the process, and returns once the process polled for its first invocation.
    /// `runtimeAPIs` runs its Runtime API listener (Lambda's, as a child of its service).
    static func start(
        _ code: ProcessCode,
        function: String,
        environment: [String: String],
        network: ProcessNetwork,
        source: String?,
        log: InvocationLog,
        initTimeout: Double,
        clock: any SandboxClock,
        runtimeAPIs: BackgroundWork,
        logger: Logger
    ) async throws -> ProcessFunctionInstance {
        let instance = ProcessFunctionInstance(function: function)
        instance.core.withLockedValue { $0.log = log }
        let running = try await ChildService(
            HTTPListener(
                responder: RuntimeAPIRoutes.router(for: instance).buildResponder(),
                host: network.runtimeAPIHost,
                logger: logger
            ),
            on: runtimeAPIs,
            logger: logger
        )
        let listener = running.service
        instance.listener.withLockedValue { $0 = running }
        var variables = environment.merging(network.variables(source: source)) { _, steering in steering }.merging(
            network.trust
        ) { own, _ in own }
        variables["AWS_LAMBDA_RUNTIME_API"] = "\(listener.host):\(listener.port)"
        let inherited = ProcessInfo.processInfo.environment
        for key in ["PATH", "HOME", "PYTHONPATH", "VIRTUAL_ENV", "NODE_PATH"] where variables[key] == nil {
            variables[key] = inherited[key]
        }
        let directory = code.workingDirectory ?? FileManager.default.currentDirectoryPath
        variables["LAMBDA_TASK_ROOT"] = directory
        // The function's own CLOUDSANDBOX_LAUNCHER=off runs it without interception (the preload library alone).
        let launcher =
            variables["CLOUDSANDBOX_LAUNCHER"] == "off"
            ? ProcessLauncher.unavailable(reason: "the function's environment sets CLOUDSANDBOX_LAUNCHER=off")
            : network.launcher()
        if case let .unavailable(reason) = launcher,
            let program = code.command.first.flatMap({
                StaticProgram.resolve($0, directory: directory, path: variables["PATH"] ?? "")
            }),
            StaticProgram.isStaticallyLinked(program)
        {
            await running.stop()
            try? instance.output.fileHandleForReading.close()
            try? instance.output.fileHandleForWriting.close()
            throw FunctionError(
                errorType: "Sandbox.InterceptionUnavailable",
                errorMessage: "\(program) is statically linked: it resolves names and "
                    + "connects without libc, so the preload library cannot steer it and only the sandbox's "
                    + "launcher can, which is unavailable "
                    + "(\(reason)). Started, it would ask this machine's nameserver for the sandbox's names and "
                    + "dial ports nothing listens on, so "
                    + "the sandbox does not start it. Let the launcher run (Linux 5.9 or later, seccomp user "
                    + "notification allowed, "
                    + "CLOUDSANDBOX_LAUNCHER unset)"
            )
        }
        do {
            try instance.launch(code, variables: variables, directory: directory, launcher: launcher.path)
        } catch {
            await running.stop()
            try? instance.output.fileHandleForReading.close()
            try? instance.output.fileHandleForWriting.close()
            throw FunctionError(
                errorType: "Runtime.InvalidEntrypoint",
                errorMessage: "cannot run \(code.command.joined(separator: " ")): \(error)"
            )
        }
        enum Start: Sendable {
            case initialized(FunctionError?)
            case timedOut
        }
        let failure: FunctionError? = await withTaskGroup(of: Start.self) { group in
            group.addTask {
                .initialized(await withCheckedContinuation { continuation in instance.waitForInit(continuation) })
            }
            group.addTask {
                try? await clock.sleep(for: .milliseconds(Int64(initTimeout * 1000)))
                return .timedOut
            }
            let first = await group.next() ?? .timedOut
            group.cancelAll()
            if case .timedOut = first { instance.run(instance.core.withLockedValue { $0.state.ended(nil) }) }
            if case let .initialized(error) = first { return error }
            return FunctionError(
                errorType: "Runtime.Unknown",
                errorMessage: "the runtime did not poll /2018-06-01/runtime/invocation/next within "
                    + "\(String(format: "%.2f", initTimeout)) seconds; a process function must run a Runtime API "
                    + "client (awslambdaric, a custom bootstrap)"
            )
        }
        if let failure {
            await instance.stop()
            throw failure
        }
        return instance
    }

    /// Starts `code`'s command under `launcher` (which supervises its connects) when there is one, else through env.
    private func launch(_ code: ProcessCode, variables: [String: String], directory: String, launcher: String?) throws {
        let command = PythonInterpreter.command(code.command, environment: ProcessInfo.processInfo.environment)
        guard !command.isEmpty else {
            throw FunctionError(errorType: "Runtime.InvalidEntrypoint", errorMessage: "command is empty")
        }
        self.process.executableURL = URL(fileURLWithPath: launcher ?? "/usr/bin/env")
        self.process.arguments = command
        self.process.environment = variables
        self.process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = self.output
        self.process.standardOutput = output
        self.process.standardError = output
        self.process.standardInput = FileHandle.nullDevice
        self.process.terminationHandler = { [weak self] process in
            let status =
                process.terminationReason == .uncaughtSignal
                ? "signal \(process.terminationStatus)" : "exit status \(process.terminationStatus)"
            self?.exited(
                FunctionError(errorType: "Runtime.ExitError", errorMessage: "Runtime exited with error: \(status)")
            )
        }
        try SpawnSignalMask.unblocked { try self.process.run() }
        try? output.fileHandleForWriting.close()
        // A thread of its own, not a dispatch source: closing a descriptor a dispatch source still watches crashed
        // libdispatch's event loop ("Bad pointer dereference" in _dispatch_event_loop_drain).
        let reader = Thread { [self] in self.readOutput() }
        reader.stackSize = 256 * 1024
        reader.start()
    }

    /// Reads the output pipe until its end, line by line into the log; then closes it. It waits for bytes without
    /// the output lock and reads them with it, so a drain never finds bytes read and not yet logged.
    private func readOutput() {
        let handle = self.output.fileHandleForReading
        var ended = false
        while !ended {
            var descriptor = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            self.outputLock.withLock {
                // Nothing pending after a wake-up: a drain took it, or the pipe's end (every writer gone).
                if self.readPending() == 0, descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                    ended = true
                }
            }
        }
        self.outputLock.withLock {
            self.printed([])
            try? handle.close()
            self.core.withLockedValue { $0.readerDone = true }
        }
    }

    /// Reads and logs what the pipe holds now, without blocking (the output lock held); the byte count.
    @discardableResult
    private func readPending() -> Int {
        let descriptor = self.output.fileHandleForReading.fileDescriptor
        var total = 0
        var pending: Int32 = 0
        while ioctl(descriptor, UInt(FIONREAD), &pending) == 0, pending > 0 {
            var buffer = [UInt8](repeating: 0, count: Int(min(pending, 64 * 1024)))
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            self.printed(Array(buffer[0..<count]))
            total += count
        }
        return total
    }

    /// What the process printed, line by line, into the log of the invocation in flight (or of its start).
    private func printed(_ bytes: [UInt8]) {
        let (lines, log): ([String], InvocationLog?) = self.core.withLockedValue { core in
            core.partialLine += bytes
            var lines: [String] = []
            while let newline = core.partialLine.firstIndex(of: 0x0A) {
                lines.append(String(decoding: core.partialLine[..<newline], as: UTF8.self))
                core.partialLine.removeSubrange(...newline)
            }
            if bytes.isEmpty, !core.partialLine.isEmpty {
                lines.append(String(decoding: core.partialLine, as: UTF8.self))
                core.partialLine = []
            }
            return (lines, core.log)
        }
        for line in lines { log?.append(line) }
    }

    private func waitForInit(_ continuation: CheckedContinuation<FunctionError?, Never>) {
        let phase = self.core.withLockedValue { core -> RuntimeAPIState.Phase in
            if core.state.phase == .initializing { core.initWaiter = continuation }
            return core.state.phase
        }
        switch phase {
        case .initializing: break
        case .ready: continuation.resume(returning: nil)
        case .dead:
            continuation.resume(
                returning: FunctionError(
                    errorType: "Runtime.ExitError",
                    errorMessage: "the runtime ended before it polled for an invocation"
                )
            )
        }
    }

    var isUsable: Bool { self.core.withLockedValue { $0.state.phase == .ready } }

    /// Delivers the invocation and waits for its answer; what the process printed before answering is in `log`
    /// before this returns (the pipe and the answer are separate channels).
    func invoke(_ invocation: Invocation, log: InvocationLog) async -> InvocationOutcome {
        let outcome = await self.deliver(invocation, log: log)
        await self.drainOutput()
        return outcome
    }

    /// Logs whatever the process wrote to the output pipe before it answered (the reader thread may be between a
    /// wake-up and its read: the lock waits for that chunk, then the rest is read here).
    private func drainOutput() async {
        self.outputLock.withLock {
            guard !self.core.withLockedValue({ $0.readerDone }) else { return }
            self.readPending()
        }
    }

    private func deliver(_ invocation: Invocation, log: InvocationLog) async -> InvocationOutcome {
        await withCheckedContinuation { continuation in
            let (action, poller) = self.core.withLockedValue { core in
                core.outcome = continuation
                core.log = log
                core.invocations[invocation.requestID] = invocation
                let action = core.state.invocationArrived(invocation.requestID)
                let poller = core.poller
                if case .deliver = action { core.poller = nil }
                return (action, poller)
            }
            switch action {
            case .deliver: poller?.resume(returning: invocation)
            case let .complete(outcome): self.complete(outcome)
            default: break
            }
        }
    }

    /// GET /next: the next invocation, waiting for one; nil when the poll is refused.
    func nextInvocation() async -> Invocation? {
        await withCheckedContinuation { continuation in
            let (actions, invocation, initWaiter) = self.core.withLockedValue { core in
                let actions = core.state.nextPolled()
                var invocation: Invocation?
                for action in actions {
                    if case let .deliver(id) = action { invocation = core.invocations[id] }
                    if case .park = action { core.poller = continuation }
                }
                let waiter = actions.contains(.initialized) ? core.initWaiter : nil
                if waiter != nil { core.initWaiter = nil }
                return (actions, invocation, waiter)
            }
            initWaiter?.resume(returning: nil)
            if actions.contains(.rejectPoll) { continuation.resume(returning: nil) }
            if let invocation { continuation.resume(returning: invocation) }
        }
    }

    /// POST /response or /error; false for a request id not in flight.
    func answer(_ id: String, _ outcome: InvocationOutcome) -> Bool {
        let action = self.core.withLockedValue { $0.state.answered(id, outcome) }
        guard case let .complete(result) = action else { return false }
        self.complete(result)
        return true
    }

    func initFailed(_ error: FunctionError) {
        self.run(self.core.withLockedValue { $0.state.initErrorPosted(error) })
        self.process.terminate()
    }

    private func exited(_ error: FunctionError) {
        self.run(self.core.withLockedValue { $0.state.ended(error) })
    }

    func stop() async {
        self.run(self.core.withLockedValue { $0.state.ended(nil) })
        if self.process.isRunning {
            self.process.terminate()
            for _ in 0..<20 where self.process.isRunning { try? await Task.sleep(for: .milliseconds(25)) }
            if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
        }
        let poller = self.core.withLockedValue { core in
            defer { core.poller = nil }
            return core.poller
        }
        poller?.resume(returning: nil)
        await self.outputClosed(within: .seconds(1))
        let listener = self.listener.withLockedValue { listener in
            defer { listener = nil }
            return listener
        }
        await listener?.stop()
    }

    /// Waits until the output reader has closed the pipe (the process gone), at most `limit`: a child the process
    /// left behind may hold the pipe open longer.
    private func outputClosed(within limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while !self.core.withLockedValue({ $0.readerDone }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    private func run(_ action: RuntimeAPIState.Action) {
        switch action {
        case let .complete(outcome): self.complete(outcome)
        case let .failInit(error):
            let waiter = self.core.withLockedValue { core in
                defer { core.initWaiter = nil }
                return core.initWaiter
            }
            waiter?.resume(returning: error)
        default: break
        }
    }

    private func complete(_ outcome: InvocationOutcome) {
        let continuation = self.core.withLockedValue { core in
            defer {
                core.outcome = nil
                core.invocations = [:]
            }
            return core.outcome
        }
        continuation?.resume(returning: outcome)
    }
}
