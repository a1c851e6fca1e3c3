import CloudSandbox
import Foundation
import SandboxLambda
import SandboxTesting
import XCTest

/// Node.js functions by AWS's runtime names (`nodejs20.x`, Handler `file.export`), run by the sandbox's own Runtime API
/// client as Lambda's Node runtime runs them: async, callback and ES module handlers, Lambda's context, errors with
/// their type, a missing module or export, a module that throws while it loads; the sandbox stays up.
final class NodeFunctionTests: XCTestCase {
    static let yaml = """
        iam:
          roles:
            - name: fn-role
              trustPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: \
        lambda.amazonaws.com}, Action: "sts:AssumeRole"}]}
        functions:
          - {name: node-async, role: fn-role, runtime: nodejs20.x, handler: index.handler, timeout: 10, \
        workingDirectory: ../Fixtures/lambda/node}
          - {name: node-callback, role: fn-role, runtime: nodejs18.x, handler: callback.handler, timeout: 10, \
        workingDirectory: ../Fixtures/lambda/node}
          - {name: node-esm, role: fn-role, runtime: nodejs22.x, handler: esm.handler, timeout: 10, \
        workingDirectory: ../Fixtures/lambda/node}
          - {name: node-throws, role: fn-role, runtime: nodejs20.x, handler: callback.throws, timeout: 10, \
        workingDirectory: ../Fixtures/lambda/node}
          - {name: node-callback-error, role: fn-role, runtime: nodejs20.x, handler: callback.callsBackWithError, \
        timeout: 10, workingDirectory: ../Fixtures/lambda/node}
          - {name: node-no-export, role: fn-role, runtime: nodejs20.x, handler: index.nope, timeout: 10, \
        workingDirectory: ../Fixtures/lambda/node}
          - {name: node-no-module, role: fn-role, runtime: nodejs20.x, handler: nothere.handler, timeout: 10, \
        workingDirectory: ../Fixtures/lambda/node}
          - {name: node-load-throws, role: fn-role, runtime: nodejs20.x, handler: throws-at-load.handler, timeout: \
        10, workingDirectory: ../Fixtures/lambda/node}
        apis:
          - name: node-api
            routes: [{route: "GET /node", function: node-async}]
        """

    private func start() async throws -> Sandbox {
        try await Sandbox.start(
            try TopologyLoader.parse(Self.yaml),
            baseDirectory: TopologyTests.root.appendingPathComponent("Sandbox")
        )
    }

    private func json(_ result: InvokeResult) throws -> JSONValue { try JSONValue(parsing: result.payload) }

    func testAnAsyncHandlerAnswersItsRouteWithLambdasContext() async throws {
        try await withSandbox(try await self.start()) { sandbox in
            let (status, body) = try await sandbox.call("node-api", "GET", "/node")
            let logs = await sandbox.lambda.logs(of: "node-async")
            XCTAssertEqual(status, 200, body + "\n" + logs.joined(separator: "\n"))
            let answer = try JSONValue(parsing: Array(body.utf8))
            XCTAssertEqual(answer["runtime"], "node")
            XCTAssertEqual(answer["path"], "/node")
            XCTAssertEqual(answer["functionName"], "node-async")
            XCTAssertEqual(answer["arn"], .string(try XCTUnwrap(sandbox.endpoints.functions?["node-async"]?.arn)))
            XCTAssertEqual(answer["remaining"], true)
            XCTAssertEqual(answer["waits"], true)
            XCTAssertEqual(answer["region"], "us-east-1")
            let requestID = try XCTUnwrap(answer["requestId"]?.stringValue)
            XCTAssertTrue(
                logs.contains { $0.contains("\t\(requestID)\tINFO\tserving /node") },
                logs.joined(separator: "\n")
            )
        }
    }

    func testCallbackAndESModuleHandlers() async throws {
        try await withSandbox(try await self.start()) { sandbox in
            let called = try await sandbox.lambda.invoke("node-callback", payload: Array(#"{"a":1}"#.utf8))
            XCTAssertNil(called.functionError, String(decoding: called.payload, as: UTF8.self))
            XCTAssertEqual(try self.json(called), ["style": "callback", "echo": ["a": 1]])
            let module = try await sandbox.lambda.invoke("node-esm", payload: Array(#"[1,2]"#.utf8))
            XCTAssertEqual(try self.json(module), ["module": "esm", "echo": [1, 2]])
        }
    }

    func testErrorsAreReportedAsTheNodeRuntimeReportsThem() async throws {
        try await withSandbox(try await self.start()) { sandbox in
            let lambda = sandbox.lambda
            let thrown = try await lambda.invoke("node-throws", payload: [])
            XCTAssertEqual(thrown.functionError, "Unhandled")
            XCTAssertEqual(try self.json(thrown)["errorType"], "TypeError")
            XCTAssertEqual(try self.json(thrown)["errorMessage"], "the order id must be a number")
            XCTAssertTrue(
                try self.json(thrown)["trace"]?.arrayValue?.first?.stringValue?.hasPrefix("TypeError: the order id")
                    == true,
                String(decoding: thrown.payload, as: UTF8.self)
            )
            let calledBack = try await lambda.invoke("node-callback-error", payload: [])
            XCTAssertEqual(try self.json(calledBack)["errorType"], "RangeError")

            let noExport = try await lambda.invoke("node-no-export", payload: [])
            XCTAssertEqual(try self.json(noExport)["errorType"], "Runtime.HandlerNotFound")
            XCTAssertEqual(try self.json(noExport)["errorMessage"], "index.nope is undefined or not exported")
            let noModule = try await lambda.invoke("node-no-module", payload: [])
            XCTAssertEqual(try self.json(noModule)["errorType"], "Runtime.ImportModuleError")
            XCTAssertTrue(
                try self.json(noModule)["errorMessage"]?.stringValue?.hasPrefix("Cannot find module 'nothere'") == true,
                String(decoding: noModule.payload, as: UTF8.self)
            )
            let loadThrows = try await lambda.invoke("node-load-throws", payload: [])
            XCTAssertEqual(try self.json(loadThrows)["errorType"], "Runtime.ImportModuleError")
            XCTAssertEqual(try self.json(loadThrows)["errorMessage"], "Error: DB_HOST is not set")

            let still = try await lambda.invoke("node-callback", payload: Array("{}".utf8))
            XCTAssertNil(still.functionError, "after all that, functions still run")
        }
    }
}
