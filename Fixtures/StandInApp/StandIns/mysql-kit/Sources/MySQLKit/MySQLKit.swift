/// Stands in for mysql-kit's `MySQLKit` module.
public enum MySQLKitStandIn {}
