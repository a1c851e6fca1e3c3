/// Stands in for mysql-nio's `MySQLNIO` module.
public enum MySQLNIOStandIn {}
