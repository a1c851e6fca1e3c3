import Foundation

/// CreateDBProxyEndpoint's `TargetRole`: READ_WRITE endpoints reach the writer, READ_ONLY ones a cluster's readers.
public enum DBProxyEndpointTargetRole: String, Sendable, Codable, CaseIterable {
    case readWrite = "READ_WRITE"
    case readOnly = "READ_ONLY"
}

/// DescribeDBProxyEndpoints' `Status`.
public enum DBProxyEndpointStatus: String, Sendable, CaseIterable {
    case available, creating, modifying, deleting
    /// Its subnets or security groups are not in the proxy's network: nothing listens on it.
    case incompatibleNetwork = "incompatible-network"
}

/// An additional endpoint of a proxy (CreateDBProxyEndpoint), as DescribeDBProxyEndpoints reports it. The proxy's
/// own endpoint is listed beside them as `default`, but is not one of these records.
public struct DBProxyEndpointRecord: Sendable, Equatable {
    public var name: String
    /// `arn:aws:rds:<region>:<account>:db-proxy-endpoint:prx-endpoint-<17 hex digits>`.
    public var arn: String
    public var proxyName: String
    public var status: DBProxyEndpointStatus
    public var vpcID: String
    public var subnetIDs: [String]
    public var securityGroupIDs: [String]
    /// `<name>.endpoint.proxy-<suffix>.<region>.rds.amazonaws.com`.
    public var endpoint: String
    public var targetRole: DBProxyEndpointTargetRole
    public var created: Date
}

/// A change to a proxy's endpoints that the data plane carries out: a listener started for a created endpoint (the
/// runner reports it available), stopped for a deleted one; a renamed endpoint is deleted and created again.
public enum DBProxyEndpointChange: Sendable {
    case created(DBProxyEndpointRecord)
    case deleted(DBProxyEndpointRecord)
}

/// What runs proxy endpoints on the data plane (the sandbox). Without one (an account served on its own) an endpoint is
/// only recorded, as a proxy created through the API is.
public typealias DBProxyEndpointRunner = @Sendable (DBProxyEndpointChange) -> Void
