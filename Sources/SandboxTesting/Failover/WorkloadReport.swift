/// What a failover did to a workload, from its events and the rows the database holds afterwards: acknowledged
/// writes lost, rows stored twice, the errors clients saw, and the client-visible downtime.
public struct WorkloadReport: Sendable, Equatable, CustomStringConvertible {
    public var acknowledged: Int
    /// Acknowledged, but not in the database.
    public var lost: [RowID]
    /// In the database more than once (a retried write whose first attempt had committed).
    public var duplicates: [RowID]
    /// In the database, never acknowledged (the commit happened, its answer did not arrive).
    public var storedUnacknowledged: [RowID]
    /// How often each error was seen.
    public var errors: [String: Int]
    /// The longest time a client went without an acknowledgement while it kept trying (an error period, or a
    /// write that waited): the downtime it saw.
    public var longestStall: Duration
    /// From a client's first error to its next acknowledgement, the longest over the clients (nil: no errors).
    public var errorWindow: Duration?

    public init(events: [WriteWorkload.Event], stored: [RowID]) {
        let acknowledged = events.filter { $0.outcome == .acknowledged }.map(\.row)
        var counts: [RowID: Int] = [:]
        for row in stored { counts[row, default: 0] += 1 }
        let acked = Set(acknowledged)
        self.acknowledged = acknowledged.count
        self.lost = acknowledged.filter { counts[$0] == nil }.sorted()
        self.duplicates = counts.filter { $0.value > 1 }.map(\.key).sorted()
        self.storedUnacknowledged = counts.keys.filter { !acked.contains($0) }.sorted()
        var errors: [String: Int] = [:]
        var stall = Duration.zero
        var window: Duration?
        for client in Set(events.map(\.row.client)) {
            let mine = events.filter { $0.row.client == client }
            var lastAck = Duration.zero
            var firstError: Duration?
            for event in mine {
                switch event.outcome {
                case .acknowledged:
                    stall = max(stall, event.at - lastAck)
                    lastAck = event.at
                    if let error = firstError {
                        window = max(window ?? .zero, event.at - error)
                        firstError = nil
                    }
                case let .failed(what):
                    errors[what, default: 0] += 1
                    if firstError == nil { firstError = event.at }
                }
            }
        }
        self.errors = errors
        self.longestStall = stall
        self.errorWindow = window
    }

    public var description: String {
        let errors = self.errors.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: ", ")
        return "\(self.acknowledged) acknowledged, \(self.lost.count) lost, \(self.duplicates.count) duplicated, "
            + "\(self.storedUnacknowledged.count) stored unacknowledged; errors: \(errors.isEmpty ? "none" : errors); "
            + "longest stall \(self.longestStall)" + (self.errorWindow.map { ", errors for \($0)" } ?? "")
    }
}
