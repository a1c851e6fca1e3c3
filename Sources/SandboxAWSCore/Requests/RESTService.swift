import Foundation

/// A service speaking AWS's REST-JSON protocol (Lambda, API Gateway v2): routed by path and method, plugged
/// into the AWS endpoint by its signing name. The endpoint verifies SigV4 and resolves the caller first.
public protocol RESTService: Sendable {
    func respond(to request: AWSRequest, call: AWSCall) async throws(AWSError) -> RESTResponse
}

/// What a REST service answers: status, headers, body.
public struct RESTResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON body (sorted keys).
    public static func json(_ value: some Encodable, status: Int = 200) -> RESTResponse {
        RESTResponse(status: status, headers: [("Content-Type", "application/json")], body: AWSJSON.encode(value))
    }
}

/// One authenticated request: who called, and the policy check the service runs for each action.
public struct AWSCall: Sendable {
    public let caller: Caller
    /// The credential scope's service.
    public let service: String
    public let requestID: String
    public let now: Date
    package let authorizer: Authorizer

    package init(caller: Caller, service: String, requestID: String, now: Date, authorizer: Authorizer) {
        self.caller = caller
        self.service = service
        self.requestID = requestID
        self.now = now
        self.authorizer = authorizer
    }

    /// Throws AWS's AccessDeniedException (HTTP 403, as REST services answer it) unless `caller` may do `action` on
    /// `resource`.
    public func authorize(_ action: String, on resource: String) throws(AWSError) {
        do throws(AWSError) {
            try self.authorizer.authorize(self.caller, action: action, resource: resource, json: true)
        } catch {
            var denied = error
            denied.status = 403
            throw denied
        }
    }
}
