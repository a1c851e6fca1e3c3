import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SandboxAWSCore
import SandboxAudit
import SandboxHTTP
import SandboxLambda
import SandboxLifecycle

/// One HTTP API listening on its own loopback address: routes each request, builds the event in the route's
/// payload format, invokes the function and maps its answer, with API Gateway's own errors where it fails.
/// A `ListeningService`: it binds when run, and at shutdown waits for invocations that outlived their requests.
public struct HTTPAPIServer: ListeningService {
    public let definition: HTTPAPIDefinition
    private let listener: HTTPListener
    private let gateway: Gateway

    public var url: String { self.listener.url }
    public var host: String { self.listener.host }
    public var port: Int { self.listener.port }
    public var listening: Readiness<Int> { self.listener.listening }

    /// Serves `definition` on `host` (an ephemeral port) once run; integration timeouts read `clock`. Throws when a
    /// route key is malformed.
    public init(
        _ definition: HTTPAPIDefinition,
        lambda: LambdaService,
        host: String,
        accountID: String,
        region: String,
        clock: any SandboxClock = SystemClock(),
        logger: Logger
    ) throws {
        let gateway = Gateway(
            definition: definition,
            table: try RouteTable(definition.routes),
            lambda: lambda,
            accountID: accountID,
            region: region,
            sourceARNPrefix: "arn:aws:execute-api:\(region):\(accountID):\(definition.id)/$default/",
            logger: logger,
            deadlines: DeadlineTimer(clock: clock)
        )
        let responder = CallbackResponder<PeerRequestContext> { request, context in
            await gateway.respond(request, context: context)
        }
        self.definition = definition
        self.gateway = gateway
        self.listener = HTTPListener(responder: responder, host: host, logger: logger)
    }

    /// The latest requests (at most 200), newest last: what API Gateway's access log would show, with why.
    public var recentRequests: [AccessLogEntry] { self.gateway.accessLog.withLockedValue { $0 } }

    /// Serves until graceful shutdown; invocations whose integration timed out run on (as in AWS) and are waited for
    /// once the listener has stopped.
    public func run() async throws {
        let invocations = self.gateway.invocations
        async let invoked: Void = invocations.run()
        defer { invocations.finish() }  // the listener failed: what still runs is cancelled
        try await self.listener.run()
        invocations.finish()
        await invoked
    }
}

/// The request path of one API.
struct Gateway: Sendable {
    static let maxBody = 10 * 1024 * 1024
    /// HTTP APIs' quota on the request line and header values together.
    static let maxRequestLineAndHeaders = 10_240
    let definition: HTTPAPIDefinition
    let table: RouteTable
    let lambda: LambdaService
    let accountID: String
    let region: String
    /// The invocations' source ARN up to the method and path: `arn:aws:execute-api:REGION:ACCOUNT:API/$default/`.
    let sourceARNPrefix: String
    let logger: Logger
    /// Invocations, run by the server's task group (one that outlives its request's integration timeout runs on, as in
    /// AWS).
    let invocations = BackgroundWork()
    /// Integration timeouts: one deadline per request on a shared timer.
    let deadlines: DeadlineTimer
    let accessLog = NIOLockedValueBox<[AccessLogEntry]>([])

    func respond(_ request: Request, context: PeerRequestContext) async -> Response {
        let requestID = Self.requestID()
        var request = request
        guard Self.requestLineAndHeaderSize(request) <= Self.maxRequestLineAndHeaders else {
            return Self.response(.message(431, "Request Header Fields Too Large"), requestID: requestID)
                .closingConnection(context.channel)
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(within: Self.maxBody)
        } catch {
            // API Gateway's 10 MB payload limit: refused at once, the rest of the body never read.
            return Self.response(.message(413, "Request Entity Too Large"), requestID: requestID).closingConnection(
                context.channel
            )
        }
        return Self.response(
            await self.answer(request, body: body, context: context, requestID: requestID),
            requestID: requestID
        )
    }

    /// The bytes of the request line (method, target, version) and of the header values, as the quota counts them.
    static func requestLineAndHeaderSize(_ request: Request) -> Int {
        request.method.rawValue.utf8.count + request.uri.description.utf8.count + "HTTP/1.1".utf8.count + 2
            + request.headers.reduce(0) { $0 + $1.value.utf8.count }
    }

    private static func response(_ answer: GatewayResponse, requestID: String) -> Response {
        var headers: HTTPFields = [.init("apigw-requestid")!: requestID]
        for (name, value) in answer.headers {
            guard let field = HTTPFields.Element.Name(name) else { continue }
            if headers[field] == nil || name.lowercased() == "set-cookie" {
                headers.append(.init(name: field, value: value))
            } else {
                headers[field] = value
            }
        }
        return Response(
            status: .init(code: answer.status),
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }

    private func answer(
        _ request: Request,
        body: ByteBuffer,
        context: PeerRequestContext,
        requestID: String
    ) async -> GatewayResponse {
        let gatewayRequest = GatewayRequest(
            method: request.method.rawValue,
            rawPath: request.uri.path,
            rawQueryString: request.uri.query ?? "",
            headers: request.headers.map { ($0.name.rawName, $0.value) }
                + (request.head.authority.map { [("host", $0)] } ?? []),
            body: Array(body.readableBytesView),
            sourceIP: context.remoteAddress?.ipAddress ?? "127.0.0.1",
            requestID: requestID,
            time: Date()
        )
        guard let match = self.table.match(method: gatewayRequest.method, path: gatewayRequest.rawPath) else {
            self.log(gatewayRequest, route: nil, status: 404, why: "no route matches")
            return .message(404, "Not Found")
        }
        let v1 = match.route.payloadFormatVersion == "1.0"
        let event =
            v1
            ? PayloadV1.event(
                gatewayRequest,
                match: match,
                api: self.definition,
                accountID: self.accountID,
                region: self.region
            )
            : PayloadV2.event(
                gatewayRequest,
                match: match,
                api: self.definition,
                accountID: self.accountID,
                region: self.region
            )
        let source = "\(self.sourceARNPrefix)\(gatewayRequest.method)\(gatewayRequest.rawPath)"
        let outcome = await self.invoke(match.route, event: event, sourceARN: source)
        let response: GatewayResponse
        let why: String
        switch outcome {
        case .timedOut:
            (response, why) = (
                .message(503, "Service Unavailable"),
                "the integration timed out after \(match.route.timeoutInMillis) ms"
            )
        case let .refused(error):
            (response, why) = (.message(500, "Internal Server Error"), "Lambda refused the invocation: \(error)")
        case let .invoked(result) where result.functionError != nil:
            (response, why) = (
                .message(502, "Internal Server Error"),
                "the function failed: \(String(decoding: result.payload.prefix(300), as: UTF8.self))"
            )
        case let .invoked(result):
            do throws(MalformedResponse) {
                response =
                    v1
                    ? try PayloadV1.response(result.payload, answer: result.answer)
                    : try PayloadV2.response(result.payload, answer: result.answer)
                why = "ok"
            } catch {
                (response, why) = (.message(502, "Internal Server Error"), "malformed Lambda proxy response: \(error)")
            }
        }
        self.log(gatewayRequest, route: match.key.description, status: response.status, why: why)
        return response
    }

    enum Outcome: Sendable {
        case invoked(InvokeResult)
        case refused(AWSError)
        case timedOut
    }

    /// Invokes the route's function with `event`, waiting at most the integration timeout (one deadline on the
    /// API's timer); the invocation itself runs in the server's task group, so it outlives a request that timed out.
    private func invoke(_ route: HTTPAPIDefinition.Route, event: JSONValue, sourceARN: String) async -> Outcome {
        let outcome = Readiness<Outcome>()
        let deadline = self.deadlines.schedule(in: .milliseconds(Int64(route.timeoutInMillis))) {
            outcome.succeed(.timedOut)
        }
        let (lambda, deadlines) = (self.lambda, self.deadlines)
        let added = self.invocations.add {
            do throws(AWSError) {
                outcome.succeed(
                    .invoked(
                        try await lambda.invoke(
                            route.function,
                            event: event,
                            asService: "apigateway.amazonaws.com",
                            sourceARN: sourceARN
                        )
                    )
                )
            } catch {
                outcome.succeed(.refused(error))
            }
            deadlines.cancel(deadline)
        }
        guard added else {
            self.deadlines.cancel(deadline)
            return .refused(AWSError(.serviceException, "The sandbox is shutting down."))
        }
        return (try? await outcome.value) ?? .timedOut
    }

    private func log(_ request: GatewayRequest, route: String?, status: Int, why: String) {
        let entry = AccessLogEntry(
            method: request.method,
            path: request.rawPath,
            route: route,
            status: status,
            reason: why
        )
        self.accessLog.withLockedValue { log in
            log.append(entry)
            if log.count > 200 { log.removeFirst(log.count - 200) }
        }
        self.logger.decide(
            .request,
            subject: "\(self.definition.name) \(request.method) \(request.rawPath)",
            outcome: "\(status)",
            reason: "\(route.map { "route \($0): " } ?? "no route: ")\(why)",
            "HTTP API request",
            metadata: [
                "apigw.api": "\(self.definition.name)", "apigw.request_id": "\(request.requestID)",
                "apigw.route": "\(route ?? "-")",
                "http.method": "\(request.method)", "http.path": "\(request.rawPath)", "http.status": "\(status)",
                "apigw.reason": "\(why)",
            ]
        )
    }

    /// `RL2XYiwjPHcEMEQ=`-style ids.
    static func requestID() -> String {
        var random = SystemRandomNumberGenerator()
        let bits = (random.next() as UInt64, random.next() as UInt16)
        return withUnsafeBytes(of: bits) { Data($0.prefix(10)).base64EncodedString() }
    }
}

/// One request as the API answered it.
public struct AccessLogEntry: Sendable, Equatable {
    public var method: String
    public var path: String
    /// The matched route key (`GET /items`), nil when none matched.
    public var route: String?
    public var status: Int
    /// Why: `ok`, `the integration timed out after 300 ms`, `the function failed: …`.
    public var reason: String
}
