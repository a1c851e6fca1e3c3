import Foundation
import Hummingbird
import NIOCore
import SandboxAWSCore

/// The Lambda Runtime API (2018-06-01) of one process instance, on its own port.
enum RuntimeAPIRoutes {
    static func router(for instance: ProcessFunctionInstance) -> Router<BasicRequestContext> {
        let router = Router()
        let base = "/2018-06-01/runtime"
        router.get("\(base)/invocation/next") { _, _ in
            guard let invocation = await instance.nextInvocation() else {
                return Self.json(
                    [
                        "errorMessage": "the instance is shutting down or already has a poll waiting",
                        "errorType": "InvalidStateTransition",
                    ],
                    status: .forbidden
                )
            }
            let headers: HTTPFields = [
                .contentType: "application/json",
                .init("Lambda-Runtime-Aws-Request-Id")!: invocation.requestID,
                .init("Lambda-Runtime-Deadline-Ms")!: String(Int64(invocation.deadline.timeIntervalSince1970 * 1000)),
                .init("Lambda-Runtime-Invoked-Function-Arn")!: invocation.functionARN,
                .init("Lambda-Runtime-Trace-Id")!: invocation.traceID,
            ]
            return Response(
                status: .ok,
                headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: invocation.payload))
            )
        }
        router.post("\(base)/invocation/:id/response") { request, context in
            let id = context.parameters.get("id") ?? ""
            var request = request
            guard let body = try? await request.collectBody(upTo: LambdaService.maxPayload) else {
                let error = FunctionError(
                    errorType: "Function.ResponseSizeTooLarge",
                    errorMessage:
                        "Response payload size exceeded maximum allowed payload size (\(LambdaService.maxPayload) "
                        + "bytes)."
                )
                _ = instance.answer(id, .error(error))
                return Self.json(
                    ["errorMessage": .string(error.errorMessage), "errorType": "RequestEntityTooLarge"],
                    status: .contentTooLarge
                )
            }
            return Self.accepted(instance.answer(id, .response(Array(body.readableBytesView))))
        }
        router.post("\(base)/invocation/:id/error") { request, context in
            let id = context.parameters.get("id") ?? ""
            let error = await Self.functionError(request)
            return Self.accepted(instance.answer(id, .error(error)))
        }
        router.post("\(base)/init/error") { request, _ in
            instance.initFailed(await Self.functionError(request))
            return Self.json(["status": "OK"], status: .accepted)
        }
        return router
    }

    /// The runtime's error document (`errorMessage`, `errorType`, `stackTrace` or Node's `trace`), or what it sent
    /// instead.
    private static func functionError(_ request: Request) async -> FunctionError {
        var request = request
        let type = request.headers[.init("Lambda-Runtime-Function-Error-Type")!]
        let body = (try? await request.collectBody(upTo: 1 << 20)).map { Array($0.readableBytesView) } ?? []
        guard let document = try? JSONValue(parsing: body), document.objectValue != nil else {
            return FunctionError(
                errorType: type ?? "Runtime.Unknown",
                errorMessage: String(decoding: body, as: UTF8.self)
            )
        }
        let traceKey = document["trace"]?.arrayValue != nil ? "trace" : "stackTrace"
        let trace: [String] =
            if case let .array(lines)? = document[traceKey] { lines.map { $0.stringValue ?? $0.text } } else { [] }
        return FunctionError(
            errorType: document["errorType"]?.stringValue ?? type ?? "Runtime.Unknown",
            errorMessage: document["errorMessage"]?.stringValue ?? "",
            stackTrace: trace,
            traceKey: traceKey
        )
    }

    private static func accepted(_ known: Bool) -> Response {
        known
            ? Self.json(["status": "OK"], status: .accepted)
            : Self.json(["errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"], status: .badRequest)
    }

    private static func json(_ value: JSONValue, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: value.bytes))
        )
    }
}
