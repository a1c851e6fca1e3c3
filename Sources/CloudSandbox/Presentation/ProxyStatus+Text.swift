extension ProxyStatus {
    /// How many of the latest logins `sandbox proxy` prints for people (`--json` has all the proxy keeps).
    public static let loginsShown = 10

    /// What `sandbox proxy` prints: per proxy, its endpoint, connections, target health and latest logins.
    public static func text(_ proxies: [String: ProxyStatus], width: Int?) -> String {
        proxies.keys.sorted().map { proxies[$0]!.text(name: $0, width: width) }.joined(separator: "\n\n")
    }

    /// One proxy's block: a heading line, then key-value lines and two tables indented under it.
    public func text(name: String, width: Int?) -> String {
        let stats = self.statistics
        let summary = TextTable(
            [],
            rows: [
                [
                    "connections",
                    "\(stats.clientConnections) from clients, \(stats.databaseConnections) to the database "
                        + "(\(stats.idleDatabaseConnections) idle), \(stats.pinnedClients) pinned",
                ],
                [
                    "borrowing",
                    "\(stats.borrowWaits) waited, \(stats.borrowTimeouts) timed out (9501), "
                        + "\(stats.queuedClientBytes) bytes queued for clients",
                ],
            ],
            indent: 2
        )
        let targets = TextTable(
            ["target", "state", "reason", "description"],
            rows: self.targets.map {
                [$0.instance, $0.state, $0.reason ?? "-", $0.description ?? ""]
            },
            indent: 2
        )
        let shown = self.logins.suffix(Self.loginsShown)
        let logins = TextTable(
            ["user", "login", "reason"],
            rows: shown.map { [$0.user, $0.outcome, $0.reason] },
            indent: 2
        )
        let loginHeading =
            self.logins.isEmpty
            ? ["  no logins yet"]
            : self.logins.count > shown.count
                ? ["  latest \(shown.count) of \(self.logins.count) logins, oldest first (--json for all):"] : []
        return
            ([name + "  " + self.endpoint] + summary.lines(width: width) + targets.lines(width: width)
            + loginHeading + (shown.isEmpty ? [] : logins.lines(width: width))).joined(separator: "\n")
    }
}
