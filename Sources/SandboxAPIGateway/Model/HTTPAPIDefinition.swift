/// An HTTP API (API Gateway v2): routes to Lambda proxy integrations on the `$default` stage.
public struct HTTPAPIDefinition: Sendable, Equatable {
    /// One route: its key (`GET /items/{id}`, `ANY /{proxy+}`, `$default`) and the function behind it.
    public struct Route: Sendable, Equatable {
        public var routeKey: String
        public var function: String
        /// `2.0` (default) or `1.0`.
        public var payloadFormatVersion: String
        /// The integration timeout (50...30,000 ms; default 30,000).
        public var timeoutInMillis: Int

        public init(
            routeKey: String,
            function: String,
            payloadFormatVersion: String = "2.0",
            timeoutInMillis: Int = 30_000
        ) {
            self.routeKey = routeKey
            self.function = function
            self.payloadFormatVersion = payloadFormatVersion
            self.timeoutInMillis = timeoutInMillis
        }
    }

    public var name: String
    /// `a1b2c3d4e5`: ten lower-case letters and digits, as API Gateway's ids.
    public var id: String
    public var routes: [Route]

    public init(name: String, id: String, routes: [Route]) {
        self.name = name
        self.id = id
        self.routes = routes
    }

    /// `<id>.execute-api.<region>.amazonaws.com`
    public func domainName(region: String) -> String { "\(self.id).execute-api.\(region).amazonaws.com" }
}
