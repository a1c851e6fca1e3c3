/// A fault on a connection's data, with Toxiproxy's toxics and semantics.
public struct Toxic: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Delays each chunk by `milliseconds` ± `jitter`.
        case latency(milliseconds: Int, jitter: Int = 0)
        /// Lets through at most `kilobytesPerSecond` KB/s.
        case bandwidth(kilobytesPerSecond: Int)
        /// Delays the close of the connection by `milliseconds`.
        case slowClose(milliseconds: Int)
        /// Stops all data and closes the connection after `milliseconds` (0: never closes; data stops while the toxic
        /// lasts).
        case timeout(milliseconds: Int)
        /// Resets the connection (TCP RST) after `milliseconds` (0: at once).
        case resetPeer(milliseconds: Int)
        /// Cuts data into pieces of `averageSize` ± `sizeVariation` bytes, `delayMicroseconds` apart.
        case slicer(averageSize: Int, sizeVariation: Int = 0, delayMicroseconds: Int = 0)
        /// Closes the connection once `bytes` have passed.
        case limitData(bytes: Int)
    }

    /// `upstream`: client to server; `downstream`: server to client.
    public enum Stream: String, Sendable, Codable { case upstream, downstream }

    public var name: String
    public var kind: Kind
    public var stream: Stream
    /// The probability that the toxic applies to a given connection (decided once per connection).
    public var toxicity: Double

    public init(name: String, _ kind: Kind, stream: Stream = .downstream, toxicity: Double = 1) {
        self.name = name
        self.kind = kind
        self.stream = stream
        self.toxicity = toxicity
    }
}

/// Where toxics apply: every connection to a listener's owner, or the connections of one path.
public enum FaultScope: Sendable, Hashable, CustomStringConvertible {
    case listener(String)
    case path(from: String, to: String)

    public var description: String {
        switch self {
        case let .listener(owner): owner
        case let .path(from, to): "\(from)→\(to)"
        }
    }
}
