/// The queries the VPC resolver has forwarded and not yet answered, without sockets: each goes upstream under an id
/// of its own (so two clients' equal ids never cross), and comes back to its client under the client's id, once:
/// an upstream answer or the deadline, whichever is first. At most `limit` are in flight; past that a query is
/// refused (SERVFAIL) rather than queued.
public struct DNSForwardTable<Client>: Sendable where Client: Sendable {
    public struct Pending: Sendable {
        public var id: UInt16
        public var client: Client
    }

    public let limit: Int
    private var pending: [UInt16: Pending] = [:]
    private var next: UInt16

    public init(limit: Int = 1_024, firstID: UInt16 = 1) {
        self.limit = limit
        self.next = firstID
    }

    public var inFlight: Int { self.pending.count }

    /// The id to send `id` of `client` upstream under, or nil when `limit` queries are in flight.
    public mutating func forward(id: UInt16, client: Client) -> UInt16? {
        guard self.pending.count < self.limit else { return nil }
        while self.pending[self.next] != nil { self.next &+= 1 }
        let upstream = self.next
        self.next &+= 1
        self.pending[upstream] = Pending(id: id, client: client)
        return upstream
    }

    /// The client an upstream answer (or the deadline) of `upstream` goes to, once; nil when it went already.
    public mutating func settle(_ upstream: UInt16) -> Pending? {
        self.pending.removeValue(forKey: upstream)
    }
}
