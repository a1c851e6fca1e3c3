/// A parsed route key: a method (or ANY) and path segments (literal, `{name}`, or a final greedy `{name+}`),
/// or the catch-all `$default`.
public struct RouteKey: Sendable, Equatable, CustomStringConvertible {
    public enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case greedy(String)
    }

    public var method: String?
    public var segments: [Segment]
    public var isDefault: Bool
    public let description: String

    /// Parses `GET /items/{id}`; the error says what is wrong with the key.
    public init(_ text: String) throws(RouteKeyError) {
        self.description = text
        if text == "$default" {
            self.method = nil
            self.segments = []
            self.isDefault = true
            return
        }
        self.isDefault = false
        let parts = text.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[1].hasPrefix("/") else {
            throw RouteKeyError(
                key: text,
                reason: "a route key is `$default` or `METHOD /path` (GET /items, ANY /{proxy+})"
            )
        }
        let method = String(parts[0])
        guard ["ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].contains(method) else {
            throw RouteKeyError(
                key: text,
                reason: "'\(method)' is not a method: use ANY, GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS"
            )
        }
        self.method = method == "ANY" ? nil : method
        let pieces = parts[1].split(separator: "/").map(String.init)
        var segments: [Segment] = []
        for (index, piece) in pieces.enumerated() {
            if piece.hasPrefix("{"), piece.hasSuffix("+}") {
                guard index == pieces.count - 1 else {
                    throw RouteKeyError(
                        key: text,
                        reason: "a greedy variable {\(piece.dropFirst().dropLast(2))+} must be the last segment"
                    )
                }
                segments.append(.greedy(String(piece.dropFirst().dropLast(2))))
            } else if piece.hasPrefix("{"), piece.hasSuffix("}") {
                segments.append(.parameter(String(piece.dropFirst().dropLast())))
            } else {
                segments.append(.literal(piece))
            }
        }
        self.segments = segments
    }

    /// The path parameters when `method path` matches, else nil.
    package func match(method: String, path: [Substring]) -> [String: String]? {
        if self.isDefault { return [:] }
        if let own = self.method, own != method { return nil }
        var parameters: [String: String] = [:]
        for (index, segment) in self.segments.enumerated() {
            switch segment {
            case let .literal(text):
                guard index < path.count, path[index] == text else { return nil }
            case let .parameter(name):
                guard index < path.count else { return nil }
                parameters[name] = String(path[index])
            case let .greedy(name):
                guard index < path.count else { return nil }
                parameters[name] = path[index...].joined(separator: "/")
                return parameters
            }
        }
        return path.count == self.segments.count ? parameters : nil
    }

    /// Sorts before `other` when more specific: literal over `{param}` over `{greedy+}`, segment by segment,
    /// then a method over ANY; `$default` last.
    package func isMoreSpecific(than other: RouteKey) -> Bool {
        if self.isDefault != other.isDefault { return other.isDefault }
        for (mine, theirs) in zip(self.segments, other.segments) where Self.rank(mine) != Self.rank(theirs) {
            return Self.rank(mine) < Self.rank(theirs)
        }
        if self.segments.count != other.segments.count { return self.segments.count > other.segments.count }
        return self.method != nil && other.method == nil
    }

    private static func rank(_ segment: Segment) -> Int {
        switch segment {
        case .literal: 0
        case .parameter: 1
        case .greedy: 2
        }
    }
}

public struct RouteKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var key: String
    public var reason: String
    public var description: String { "route key '\(self.key)': \(self.reason)" }

    package init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }
}
