/// DescribeDBProxyTargets' `TargetHealth.State`.
public enum TargetHealthState: String, Sendable, Codable, CaseIterable {
    case registering = "REGISTERING", available = "AVAILABLE", unavailable = "UNAVAILABLE", unused = "UNUSED"
}

/// DescribeDBProxyTargets' `TargetHealth.Reason`, why a target is not AVAILABLE.
public enum TargetHealthReason: String, Sendable, Codable, CaseIterable {
    case unreachable = "UNREACHABLE", connectionFailed = "CONNECTION_FAILED", authFailure = "AUTH_FAILURE"
    case pendingProxyCapacity = "PENDING_PROXY_CAPACITY", invalidReplicationState = "INVALID_REPLICATION_STATE"
}
