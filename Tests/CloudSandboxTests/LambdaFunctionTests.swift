import CloudSandbox
import Foundation
import SandboxAWSCore
import SandboxLambda
import SandboxTesting
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Functions of all three kinds through the Lambda service: context and credentials, warm reuse, errors,
/// timeouts, throttling, processes that crash, hang, never poll or answer too much; the sandbox stays up.
final class LambdaFunctionTests: XCTestCase {
    struct Oops: Error {}

    static let yaml = """
        iam:
          roles:
            - name: fn-role
              trustPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: \
        lambda.amazonaws.com}, Action: "sts:AssumeRole"}]}
        functions:
          - {name: context, role: fn-role, handler: context}
          - {name: fails, role: fn-role, handler: fails}
          - {name: sleeps, role: fn-role, handler: sleeps, timeout: 1}
          - {name: single, role: fn-role, handler: slow, reservedConcurrency: 1}
          - {name: echo, role: fn-role, builtin: {echo: {}}}
          - {name: py-raises, role: fn-role, timeout: 10, command: [python3, -m, awslambdaric, faulty.raises], \
        workingDirectory: ../Fixtures/lambda/python}
          - {name: py-exits, role: fn-role, timeout: 10, command: [python3, -m, awslambdaric, faulty.exits], \
        workingDirectory: ../Fixtures/lambda/python}
          - {name: py-exits-later, role: fn-role, timeout: 10, command: [python3, -m, awslambdaric, \
        faulty.exits_later], workingDirectory: ../Fixtures/lambda/python}
          - {name: py-chatty, role: fn-role, timeout: 10, command: [python3, -m, awslambdaric, faulty.chatty], \
        workingDirectory: ../Fixtures/lambda/python}
          - {name: py-hangs, role: fn-role, timeout: 4, command: [python3, -m, awslambdaric, faulty.hangs], \
        workingDirectory: ../Fixtures/lambda/python}
          - {name: py-oversized, role: fn-role, timeout: 10, command: [python3, -m, awslambdaric, \
        faulty.oversized], workingDirectory: ../Fixtures/lambda/python}
          - {name: never-polls, role: fn-role, timeout: 1, command: [sleep, "30"]}
        apis:
          - name: errors
            routes:
              - {route: "GET /v1", function: echo, payloadFormatVersion: "1.0"}
              - {route: "GET /fails", function: fails}
              - {route: "GET /slow", function: sleeps, timeoutInMillis: 300}
              - {route: "POST /echo", function: echo}
        """

    static let handlers: [String: LambdaHandler] = [
        "context": { event, context in
            [
                "function": .string(context.functionName),
                "keyPrefix": .string(String(context.credentials.accessKeyID.prefix(4))),
                "region": .string(context.environment["AWS_REGION"] ?? ""),
                "remaining": .bool(context.remainingTime > 0), "event": event,
            ]
        },
        "fails": { _, _ in throw Oops() },
        "sleeps": { _, _ in
            try await Task.sleep(for: .seconds(30))
            return "late"
        },
        "slow": { _, _ in
            held.started.continuation.yield()
            for await _ in held.released.stream {}  // until the test finishes the stream
            return "done"
        },
    ]

    /// `single`'s first invocation says it has started and holds its unit of concurrency until the test lets it go.
    static let held = (started: AsyncStream.makeStream(of: Void.self), released: AsyncStream.makeStream(of: Void.self))

    /// Functions' and integrations' timeouts read this clock: the tests advance it instead of waiting.
    let clock = ManualClock()

    private func start() async throws -> Sandbox {
        let topology = try TopologyLoader.parse(Self.yaml)
        return try await Sandbox.start(
            topology,
            baseDirectory: TopologyTests.root.appendingPathComponent("Sandbox"),
            handlers: Self.handlers,
            clock: self.clock
        )
    }

    /// Invokes `name` and, once the invocation runs (its timeout armed), moves the clock past `timeout`.
    private func invokeTimingOut(
        _ name: String,
        after timeout: Duration,
        on lambda: LambdaService
    ) async throws
        -> InvokeResult
    {
        let invoked = Task { try await lambda.invoke(name, payload: []) }
        try await waitUntil("\(name) runs") { await lambda.invocationsRunning == 1 }
        self.clock.advance(by: timeout)
        return try await invoked.value
    }

    private func json(_ result: InvokeResult) throws -> JSONValue { try JSONValue(parsing: result.payload) }
    private func message(_ result: InvokeResult) -> String {
        (try? JSONValue(parsing: result.payload))?["errorMessage"]?.stringValue ?? ""
    }

    func testSwiftFunctionsContextErrorsTimeoutsAndThrottling() async throws {
        try await withSandbox(try await self.start()) { sandbox in
            let lambda = sandbox.lambda
            let first = try await lambda.invoke("context", payload: Array(#"{"a":1}"#.utf8), tail: true)
            XCTAssertNil(first.functionError)
            XCTAssertEqual(
                try self.json(first),
                [
                    "function": "context", "keyPrefix": "ASIA", "region": "us-east-1", "remaining": true,
                    "event": ["a": 1],
                ]
            )
            let tail = String(decoding: Data(base64Encoded: try XCTUnwrap(first.logResult)) ?? Data(), as: UTF8.self)
            XCTAssertTrue(tail.contains("START RequestId: \(first.requestID)") && tail.contains("Init Duration"), tail)
            let warm = try await lambda.invoke("context", payload: [], tail: true)
            XCTAssertFalse(
                String(decoding: Data(base64Encoded: warm.logResult ?? "") ?? Data(), as: UTF8.self).contains(
                    "Init Duration"
                ),
                "the second invoke is warm"
            )

            let failed = try await lambda.invoke("fails", payload: [])
            XCTAssertEqual(failed.functionError, "Unhandled")
            XCTAssertEqual(try self.json(failed)["errorType"], "Oops")

            let slept = try await self.invokeTimingOut("sleeps", after: .seconds(1), on: lambda)
            XCTAssertEqual(slept.functionError, "Unhandled")
            XCTAssertTrue(self.message(slept).hasSuffix("Task timed out after 1.00 seconds"), self.message(slept))

            let one = Task { try await lambda.invoke("single", payload: []) }
            for await _ in Self.held.started.stream { break }
            do throws(AWSError) {
                _ = try await lambda.invoke("single", payload: [])
                XCTFail("a second concurrent invoke exceeds the reserved concurrency of 1")
            } catch {
                XCTAssertEqual(error.code, .tooManyRequestsException)
                XCTAssertEqual(error.status, 429)
                XCTAssertEqual(error.fields["Reason"], "ReservedFunctionConcurrentInvocationLimitExceeded")
            }
            Self.held.released.continuation.finish()
            let held = try await one.value
            XCTAssertEqual(try self.json(held), "done")
            let again = try await lambda.invoke("single", payload: [])
            XCTAssertEqual(try self.json(again), "done", "the unit of concurrency came back")
        }
    }

    func testBadRequestsAreRefusedWithLambdasErrors() async throws {
        try await withSandbox(try await self.start()) { sandbox in
            let lambda = sandbox.lambda
            await self.assertRefused(.invalidRequestContentException, 400) {
                _ = try await lambda.invoke("echo", payload: Array("{nope".utf8))
            }
            await self.assertRefused(.requestTooLargeException, 413) {
                _ = try await lambda.invoke("echo", payload: [UInt8](repeating: 0x20, count: 6 * 1024 * 1024 + 1))
            }
            await self.assertRefused(.resourceNotFoundException, 404) {
                _ = try await lambda.invoke("nope", payload: [])
            }
            await self.assertRefused(.validationException, 400) {
                _ = try await lambda.update("echo", .init(timeout: 901))
            }
            await self.assertRefused(.invalidParameterValueException, 400) {
                _ = try await lambda.update("echo", .init(roleARN: "arn:aws:iam::123456789012:role/missing"))
            }
            let echoed = try await lambda.invoke("echo", payload: Array("[1,2]".utf8))
            XCTAssertEqual(try self.json(echoed), [1, 2], "refusals left the function as it was")
        }
    }

    func testProcessFunctionsThatGoWrong() async throws {
        try await withSandbox(try await self.start()) { sandbox in
            let lambda = sandbox.lambda
            let raised = try await lambda.invoke("py-raises", payload: [])
            XCTAssertEqual(raised.functionError, "Unhandled")
            XCTAssertEqual(try self.json(raised)["errorType"], "ValueError")
            XCTAssertEqual(try self.json(raised)["errorMessage"], "the order id is missing")

            let exited = try await lambda.invoke("py-exits", payload: [])
            XCTAssertEqual(try self.json(exited)["errorType"], "Runtime.ExitError")
            XCTAssertTrue(self.message(exited).contains("exit status 3"), self.message(exited))

            let chatty = try await lambda.invoke("py-chatty", payload: [], tail: true)
            XCTAssertNil(chatty.functionError)
            let body = try self.json(chatty)
            XCTAssertEqual(body["requestId"], .string(chatty.requestID))
            XCTAssertEqual(body["keyPrefix"], "ASIA")
            XCTAssertEqual(body["remaining"], true)
            XCTAssertTrue(
                String(decoding: Data(base64Encoded: chatty.logResult ?? "") ?? Data(), as: UTF8.self).contains(
                    "garbage"
                )
            )

            let hung = try await self.invokeTimingOut("py-hangs", after: .seconds(4), on: lambda)
            XCTAssertTrue(self.message(hung).hasSuffix("Task timed out after 4.00 seconds"), self.message(hung))
            let oversized = try await lambda.invoke("py-oversized", payload: [])
            XCTAssertEqual(try self.json(oversized)["errorType"], "Function.ResponseSizeTooLarge")
            // Its runtime never polls: the init timeout is the only timer it adds to the clock.
            let (clock, timers) = (self.clock, self.clock.pendingCount)
            let starting = Task { try await lambda.invoke("never-polls", payload: []) }
            try await waitUntil("the init timeout is armed") { clock.pendingCount > timers }
            self.clock.advance(by: .seconds(1))
            let silent = try await starting.value
            XCTAssertTrue(self.message(silent).contains("did not poll"), self.message(silent))

            let answered = try await lambda.invoke("py-exits-later", payload: [])
            XCTAssertEqual(try self.json(answered), "answered, then gone")
            try await waitUntil("the idle process has exited") {
                await lambda.warmEnvironments(of: "py-exits-later") == 0
            }
            let replaced = try await lambda.invoke("py-exits-later", payload: [])
            XCTAssertNil(
                replaced.functionError,
                "an environment that died while idle is replaced, not invoked: \(self.message(replaced))"
            )

            let still = try await lambda.invoke("py-chatty", payload: [])
            XCTAssertNil(still.functionError, "after all that, functions still run")
            let fresh = try await lambda.invoke("py-exits", payload: [])
            XCTAssertEqual(fresh.functionError, "Unhandled", "a fresh instance replaced the one that exited")
        }
    }

    /// Every retired or crashed process instance gives back its pipe, its Runtime API socket and its process.
    func testColdStartsLeaveNoDescriptorsBehind() async throws {
        try await withSandbox(try await self.start()) { sandbox in
            func descriptors() -> Int {
                (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
            }
            _ = try await sandbox.lambda.invoke("py-chatty", payload: [])
            let before = descriptors()
            for round in 1...8 {
                // retires the warm instance
                _ = try await sandbox.lambda.update("py-chatty", .init(memorySize: 128 + round))
                _ = try await sandbox.lambda.invoke("py-chatty", payload: [])
                _ = try await sandbox.lambda.invoke("py-exits", payload: [])  // an instance that dies mid-invocation
            }
            XCTAssertLessThanOrEqual(
                descriptors() - before,
                4,
                "16 instances came and went; their descriptors must not stay open"
            )
        }
    }

    /// API Gateway's own answers when the function or the request is at fault; the API keeps serving.
    func testHTTPAPIErrorsAreAPIGatewaysOwn() async throws {
        try await withSandbox(try await self.start()) { sandbox in
            let url = try XCTUnwrap(sandbox.api("errors")?.url)
            func call(_ method: String, _ path: String, body: Data? = nil) async throws -> (Int, String, String?) {
                var request = URLRequest(url: URL(string: url + path)!)
                request.httpMethod = method
                request.httpBody = body
                let (data, response) = try await URLSession.shared.data(for: request)
                let http = response as! HTTPURLResponse
                return (
                    http.statusCode, String(decoding: data, as: UTF8.self),
                    http.value(forHTTPHeaderField: "apigw-requestid")
                )
            }
            let notFound = try await call("GET", "/nothing")
            XCTAssertEqual(notFound.0, 404)
            XCTAssertEqual(notFound.1, #"{"message":"Not Found"}"#)
            XCTAssertNotNil(notFound.2)
            let wrongMethod = try await call("DELETE", "/v1")
            XCTAssertEqual(wrongMethod.0, 404)
            let malformed = try await call("GET", "/v1")
            XCTAssertEqual(malformed.0, 502, "a 1.0 answer without statusCode is malformed")
            XCTAssertEqual(malformed.1, #"{"message":"Internal Server Error"}"#)
            let failed = try await call("GET", "/fails")
            XCTAssertEqual(failed.0, 502)
            // The integration gives up at 300 ms; the function runs on to its own timeout of 1 s, as in AWS.
            let slowCall = Task { try await call("GET", "/slow") }
            try await waitUntil("the slow function runs") { await sandbox.lambda.invocationsRunning == 1 }
            self.clock.advance(by: .milliseconds(300))
            let slow = try await slowCall.value
            XCTAssertEqual(slow.0, 503)
            XCTAssertEqual(slow.1, #"{"message":"Service Unavailable"}"#)
            self.clock.advance(by: .milliseconds(700))
            try await waitUntil("the function timed out") { await sandbox.lambda.invocationsRunning == 0 }
            let tooBigForLambda = try await call("POST", "/echo", body: Data(repeating: 0x61, count: 7 * 1024 * 1024))
            XCTAssertEqual(tooBigForLambda.0, 500, "an event over 6 MB is refused by Lambda")
            let tooBigForTheAPI = try await call("POST", "/echo", body: Data(repeating: 0x61, count: 11 * 1024 * 1024))
            XCTAssertEqual(tooBigForTheAPI.0, 413)
            let echoed = try await call("POST", "/echo", body: Data("hi".utf8))
            XCTAssertEqual(echoed.0, 200)
            XCTAssertTrue(
                echoed.1.contains(#""body":"hi""#) && echoed.1.contains(#""routeKey":"POST /echo""#),
                echoed.1
            )
        }
    }

    private func assertRefused(
        _ code: AWSErrorCode,
        _ status: Int,
        _ body: () async throws -> Void,
        file: StaticString = #filePath,
        line: UInt = #line
    ) async {
        do {
            try await body()
            XCTFail("expected \(code)", file: file, line: line)
        } catch let error as AWSError {
            XCTAssertEqual(error.code, code, error.message, file: file, line: line)
            XCTAssertEqual(error.status, status, file: file, line: line)
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }
}
