import Foundation
import Logging
import SandboxAWSCore
import SandboxAudit
import SandboxLifecycle
import SandboxSigV4

extension LambdaService {
    /// Invoke: checks the payload and concurrency, takes a warm instance or starts one, enforces the timeout,
    /// and answers as Lambda does (200 with the payload or a function error, 202 for Event, 204 for DryRun).
    public func invoke(
        _ reference: String,
        payload: [UInt8],
        type: InvocationType = .requestResponse,
        tail: Bool = false
    ) async throws(AWSError) -> InvokeResult {
        let name = try self.slotName(reference)
        try self.admit(payload)
        let payload =
            payload.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) ? Array("{}".utf8) : payload
        let event: JSONValue
        do {
            event = try JSONValue(parsing: payload)
        } catch {
            throw AWSError(
                .invalidRequestContentException,
                "Could not parse request body into json: the payload is not valid JSON (\(error))"
            )
        }
        return try await self.start(name, payload: payload, event: event, type: type, tail: tail)
    }

    /// Starts the invocation of function `name` once admitted, with `event` already built: `payload` is its JSON text.
    func start(
        _ name: String,
        payload: [UInt8],
        event: JSONValue,
        type: InvocationType = .requestResponse,
        tail: Bool = false
    ) async throws(AWSError) -> InvokeResult {
        let requestID = IDs.requestID()
        if type == .dryRun { return InvokeResult(status: 204, payload: [], requestID: requestID) }
        try self.reserve(name)
        if type == .event {
            self.eventInvocations.add {
                _ = try? await self.run(name, payload: payload, event: event, requestID: requestID, tail: false)
            }
            return InvokeResult(status: 202, payload: [], requestID: requestID)
        }
        return try await self.run(name, payload: payload, event: event, requestID: requestID, tail: tail)
    }

    /// Admits an invocation once the service runs and the payload fits.
    func admit(_ payload: [UInt8]) throws(AWSError) {
        guard !self.isStopped else { throw AWSError(.serviceException, "The sandbox is shutting down.") }
        guard payload.count <= Self.maxPayload else {
            throw AWSError(
                .requestTooLargeException,
                "Request must be smaller than \(Self.maxPayload) bytes for the InvokeFunction operation"
            )
        }
    }

    /// Takes one unit of concurrency or throws Lambda's throttling error.
    private func reserve(_ name: String) throws(AWSError) {
        guard let slot = self.slots[name] else { return }
        if let reserved = slot.definition.reservedConcurrency, slot.running >= reserved {
            throw AWSError.rateExceeded("ReservedFunctionConcurrentInvocationLimitExceeded")
        }
        if self.slots.values.reduce(0, { $0 + $1.running }) >= Self.accountConcurrency {
            throw AWSError.rateExceeded("ConcurrentInvocationLimitExceeded")
        }
        self.slots[name]?.running += 1
    }

    private func run(
        _ name: String,
        payload: [UInt8],
        event: JSONValue,
        requestID: String,
        tail: Bool
    ) async throws(AWSError) -> InvokeResult {
        let log = InvocationLog(function: name, requestID: requestID, logger: self.environment.logger)
        // The fields it needs, not a copy of the slot: a copy held across the invocation would share the slot's arrays,
        // and the warm pool's pop and the log's append below would each copy theirs.
        guard
            let (definition, placement, generation) = self.slots[name].map({
                ($0.definition, $0.placement, $0.generation)
            })
        else {
            throw AWSError.functionNotFound(self.arn(of: name))
        }
        let started = Date()
        var warm = self.slots[name]?.idle.popLast()
        var initMillis: Double?
        if warm == nil || warm!.generation != generation || !warm!.instance.isUsable {
            if let stale = warm { await stale.instance.stop() }
            do throws(ColdStartFailure) {
                warm = Warm(
                    instance: try await self.coldStart(
                        definition,
                        placement: placement,
                        requestID: requestID,
                        log: log
                    ),
                    generation: generation
                )
                initMillis = Date().timeIntervalSince(started) * 1000
            } catch {
                await self.release(name, nil)
                switch error {
                case let .rejected(refusal):
                    self.environment.logger.decide(
                        .invocation,
                        subject: name,
                        outcome: "refused",
                        reason: "\(refusal.code): \(refusal.message)",
                        level: .notice,
                        "invoke refused",
                        metadata: ["lambda.function": "\(name)", "lambda.reason": "\(refusal)"]
                    )
                    log.append("\(LambdaTimestamp.string(from: Date()))\t\(requestID)\tINVOKE refused: \(refusal)")
                    self.remember(name, log)
                    throw refusal
                case let .initError(failure):
                    log.append(
                        "\(LambdaTimestamp.string(from: Date()))\t\(requestID)\tINIT_REPORT failed: "
                            + "\(failure.errorType): \(failure.errorMessage)"
                    )
                    self.remember(name, log)
                    return Self.failure(failure, log, requestID, tail: tail)
                }
            }
        }
        let instance = warm!
        log.append("START RequestId: \(requestID) Version: $LATEST")
        let timeout = definition.timeout
        let invocation = Invocation(
            requestID: requestID,
            payload: payload,
            event: event,
            deadline: Date().addingTimeInterval(timeout),
            functionARN: self.arn(of: name),
            traceID: Self.traceID(requestID)
        )
        let begun = Date()
        let busyID = self.nextBusyID
        self.nextBusyID += 1
        self.busy[busyID] = instance.instance
        // The timeout is one deadline on the service's timer: on expiry the instance is stopped, and its invoke
        // answers timed out.
        let deadline = self.deadlines.schedule(in: .milliseconds(Int64(timeout * 1000))) { [instance] in
            Task { await instance.instance.stop() }
        }
        var outcome = await instance.instance.invoke(invocation, log: log)
        // Past the deadline the instance is being stopped: whatever it answered, it is not reused.
        let reusable = self.deadlines.cancel(deadline)
        self.busy[busyID] = nil
        let millis = Date().timeIntervalSince(begun) * 1000
        if case let .response(bytes, _) = outcome, bytes.count > Self.maxPayload {
            outcome = .error(
                FunctionError(
                    errorType: "Function.ResponseSizeTooLarge",
                    errorMessage:
                        "Response payload size exceeded maximum allowed payload size (\(Self.maxPayload) bytes)."
                )
            )
        }
        let result: InvokeResult
        switch outcome {
        case let .response(bytes, answer):
            result = InvokeResult(status: 200, payload: bytes, functionError: nil, requestID: requestID, answer: answer)
            await self.release(name, reusable ? instance : nil)
        case let .error(error):
            log.append(
                "\(LambdaTimestamp.string(from: Date()))\t\(requestID)\tERROR\t\(error.errorType): "
                    + "\(error.errorMessage)"
            )
            result = InvokeResult(
                status: 200,
                payload: error.payload.bytes,
                functionError: "Unhandled",
                requestID: requestID
            )
            await self.release(name, reusable ? instance : nil)
        case let .crashed(error):
            log.append(
                "\(LambdaTimestamp.string(from: Date()))\t\(requestID)\t\(error.errorType): \(error.errorMessage)"
            )
            result = InvokeResult(
                status: 200,
                payload: error.payload.bytes,
                functionError: "Unhandled",
                requestID: requestID
            )
            await instance.instance.stop()
            await self.release(name, nil)
        case .timedOut:
            let message =
                "\(LambdaTimestamp.string(from: Date())) \(requestID) Task timed out after "
                + "\(TextFormat.fixed(timeout)) seconds"
            log.append(message)
            result = InvokeResult(
                status: 200,
                payload: (["errorMessage": .string(message)] as JSONValue).bytes,
                functionError: "Unhandled",
                requestID: requestID
            )
            await self.release(name, nil)
        }
        log.append("END RequestId: \(requestID)")
        log.append(
            "REPORT RequestId: \(requestID)\tDuration: \(TextFormat.fixed(millis)) ms"
                + "\tBilled Duration: \(Int(millis.rounded(.up))) ms\tMemory Size: \(definition.memorySize) MB"
                + (initMillis.map { "\tInit Duration: \(TextFormat.fixed($0)) ms" } ?? "")
        )
        self.remember(name, log)
        let (verdict, why): (String, String) =
            switch outcome {
            case .response: ("ok", "")
            case let .error(error), let .crashed(error): ("error", "\(error.errorType): \(error.errorMessage)")
            case .timedOut: ("timeout", "timed out after \(TextFormat.fixed(timeout)) seconds")
            }
        self.environment.logger.decide(
            .invocation,
            subject: name,
            outcome: verdict,
            reason: why,
            "invocation ended",
            metadata: [
                "lambda.function": "\(name)", "lambda.request_id": "\(requestID)",
                "lambda.duration_ms": "\(TextFormat.fixed(millis))",
            ]
        )
        var answer = result
        if tail { answer.logResult = log.tail }
        return answer
    }

    /// X-Amzn-Trace-Id's root: `Root=1-<epoch seconds, hex>-<24 hex digits>`, the digits from the request id.
    static func traceID(_ requestID: String) -> String {
        let epoch = String(Int(Date().timeIntervalSince1970), radix: 16)
        let digits = requestID.utf8.lazy.filter { $0 != UInt8(ascii: "-") }.prefix(24)
        return "Root=1-\(epoch)-\(String(decoding: digits, as: UTF8.self))"
    }

    /// Gives back the unit of concurrency, and the instance to the warm pool when it may be reused.
    private func release(_ name: String, _ warm: Warm?) async {
        self.slots[name]?.running -= 1
        guard let warm else { return }
        if self.slots[name]?.generation == warm.generation, !self.isStopped {
            self.slots[name]?.idle.append(warm)
        } else {
            await warm.instance.stop()
        }
    }

    /// Keeps the invocation's lines among the function's latest: trimmed to the newest `keptLogLines` once twice
    /// as many have gathered, not on every invocation.
    private func remember(_ name: String, _ log: InvocationLog) {
        for line in log.lines {
            // What a function printed may span lines: kept as `sandbox logs` prints them, one per line.
            if line.utf8.contains(UInt8(ascii: "\n")) {
                self.slots[name]?.recentLogs.append(contentsOf: line.split(separator: "\n").map(String.init))
            } else {
                self.slots[name]?.recentLogs.append(line)
            }
        }
        if let count = self.slots[name]?.recentLogs.count, count >= 2 * Self.keptLogLines {
            self.slots[name]?.recentLogs.removeFirst(count - Self.keptLogLines)
        }
    }

    private static func failure(
        _ error: FunctionError,
        _ log: InvocationLog,
        _ requestID: String,
        tail: Bool
    ) -> InvokeResult {
        InvokeResult(
            status: 200,
            payload: error.payload.bytes,
            functionError: "Unhandled",
            logResult: tail ? log.tail : nil,
            requestID: requestID
        )
    }
}
