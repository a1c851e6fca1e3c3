extension AuditEvent {
    /// `sandbox log`'s columns have fixed widths, so rows printed as they arrive (`--follow`) line up under one header.
    private static let columns: [(header: String, width: Int)] = [
        ("time", 12), ("component", 14), ("kind", 13), ("outcome", 9),
    ]

    /// The header line of `sandbox log`.
    public static func tableHeader(width: Int?) -> [String] {
        self.row((self.columns.map(\.header) + ["subject: reason"]).map { $0.uppercased() }).lines(width: width)
    }

    /// This event as `sandbox log` prints it: the time of day (UTC, milliseconds), the component that decided, the
    /// kind and outcome of the decision, then the subject and the reason, wrapped to `width`.
    public func tableLines(width: Int?) -> [String] {
        let time = Self.timeFormat.format(self.time)
        let clock = time.split(separator: "T").last.map { String($0.dropLast()) } ?? time
        return Self.row([
            clock, self.component, self.kind.rawValue, self.outcome,
            self.subject + (self.reason.isEmpty ? "" : ": \(self.reason)"),
        ])
        .lines(width: width)
    }

    /// One row whose fixed columns are padded to their widths.
    private static func row(_ cells: [String]) -> TextTable {
        TextTable(
            [],
            rows: [
                cells.enumerated().map { index, cell in
                    index < self.columns.count
                        ? cell.padding(
                            toLength: max(cell.count, self.columns[index].width),
                            withPad: " ",
                            startingAt: 0
                        ) : cell
                }
            ]
        )
    }
}
