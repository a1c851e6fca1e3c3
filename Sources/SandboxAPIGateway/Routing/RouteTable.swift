import SandboxAWSCore

/// An API's routes in the order API Gateway tries them: the most specific match wins, `$default` catches the rest.
public struct RouteTable: Sendable {
    public struct Match: Sendable, Equatable {
        public var route: HTTPAPIDefinition.Route
        public var key: RouteKey
        public var pathParameters: [String: String]
    }

    private let entries: [(key: RouteKey, route: HTTPAPIDefinition.Route)]

    public init(_ routes: [HTTPAPIDefinition.Route]) throws(RouteKeyError) {
        var entries: [(key: RouteKey, route: HTTPAPIDefinition.Route)] = []
        for route in routes {
            let key = try RouteKey(route.routeKey)
            guard !entries.contains(where: { $0.key.description == key.description }) else {
                throw RouteKeyError(key: route.routeKey, reason: "is defined twice")
            }
            entries.append((key, route))
        }
        self.entries = entries.sorted { $0.key.isMoreSpecific(than: $1.key) }
    }

    /// The route for `method path` (path without the query), or nil: 404 Not Found.
    public func match(method: String, path: String) -> Match? {
        let segments = path.split(separator: "/")
        for entry in self.entries {
            if let parameters = entry.key.match(method: method, path: segments) {
                return Match(route: entry.route, key: entry.key, pathParameters: parameters)
            }
        }
        return nil
    }
}
