import SandboxJSON

/// Toxics in Toxiproxy's JSON: `{"name", "type", "stream", "toxicity", "attributes": {...}}`.
extension Toxic {
    /// A toxic that cannot be made, with Toxiproxy-style wording.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Parses Toxiproxy's JSON; `name` defaults to `<type>_<stream>` and `stream` to downstream, as in Toxiproxy.
    public init(toxiproxy json: JSONValue) throws(Invalid) {
        guard let type = json["type"]?.stringValue else {
            throw Invalid(description: "missing toxic type: one of \(Self.types.joined(separator: ", "))")
        }
        let streamName = json["stream"]?.stringValue ?? "downstream"
        guard let stream = Stream(rawValue: streamName) else {
            throw Invalid(description: "stream must be upstream or downstream, not '\(streamName)'")
        }
        let toxicity = json["toxicity"].map(\.numberValue) ?? 1
        guard let toxicity else { throw Invalid(description: "toxicity must be a number between 0 and 1") }
        guard (0...1).contains(toxicity) else { throw Invalid(description: "toxicity must be between 0 and 1") }
        let attributes = json["attributes"]?.objectValue ?? [:]
        func int(_ key: String) throws(Invalid) -> Int {
            guard let value = attributes[key] == nil ? 0 : attributes[key]?.numberValue.map({ Int($0) }), value >= 0
            else {
                throw Invalid(description: "attribute \(key) of a \(type) toxic must be a non-negative number")
            }
            return value
        }
        let kind: Kind
        switch type {
        case "latency": kind = .latency(milliseconds: try int("latency"), jitter: try int("jitter"))
        case "bandwidth": kind = .bandwidth(kilobytesPerSecond: try int("rate"))
        case "slow_close": kind = .slowClose(milliseconds: try int("delay"))
        case "timeout": kind = .timeout(milliseconds: try int("timeout"))
        case "reset_peer": kind = .resetPeer(milliseconds: try int("timeout"))
        case "slicer":
            kind = .slicer(
                averageSize: try int("average_size"),
                sizeVariation: try int("size_variation"),
                delayMicroseconds: try int("delay")
            )
        case "limit_data": kind = .limitData(bytes: try int("bytes"))
        default:
            throw Invalid(description: "unknown toxic type '\(type)': use one of \(Self.types.joined(separator: ", "))")
        }
        self.init(
            name: json["name"]?.stringValue ?? "\(type)_\(stream.rawValue)",
            kind,
            stream: stream,
            toxicity: toxicity
        )
    }

    static let types = ["latency", "bandwidth", "slow_close", "timeout", "reset_peer", "slicer", "limit_data"]

    /// The toxic as Toxiproxy's JSON.
    public var toxiproxy: JSONValue {
        let (type, attributes): (String, [String: Int]) =
            switch self.kind {
            case let .latency(milliseconds, jitter): ("latency", ["latency": milliseconds, "jitter": jitter])
            case let .bandwidth(rate): ("bandwidth", ["rate": rate])
            case let .slowClose(milliseconds): ("slow_close", ["delay": milliseconds])
            case let .timeout(milliseconds): ("timeout", ["timeout": milliseconds])
            case let .resetPeer(milliseconds): ("reset_peer", ["timeout": milliseconds])
            case let .slicer(average, variation, delay):
                ("slicer", ["average_size": average, "size_variation": variation, "delay": delay])
            case let .limitData(bytes): ("limit_data", ["bytes": bytes])
            }
        return [
            "name": .string(self.name), "type": .string(type), "stream": .string(self.stream.rawValue),
            "toxicity": .double(self.toxicity),
            "attributes": .object(attributes.mapValues { .int(Int64($0)) }),
        ]
    }
}
