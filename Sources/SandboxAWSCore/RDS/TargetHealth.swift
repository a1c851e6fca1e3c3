/// DescribeDBProxyTargets' `TargetHealth.State`.
public enum TargetHealthState: String, Sendable, Codable, CaseIterable {
    case registering = "REGISTERING"
    case available = "AVAILABLE"
    case unavailable = "UNAVAILABLE"
    case unused = "UNUSED"
}

/// DescribeDBProxyTargets' `TargetHealth.Reason`, why a target is not AVAILABLE.
public enum TargetHealthReason: String, Sendable, Codable, CaseIterable {
    case unreachable = "UNREACHABLE"
    case connectionFailed = "CONNECTION_FAILED"
    case authFailure = "AUTH_FAILURE"
    case pendingProxyCapacity = "PENDING_PROXY_CAPACITY"
    case invalidReplicationState = "INVALID_REPLICATION_STATE"
}
