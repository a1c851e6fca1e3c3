/// Stands in for soto-core's `SotoCore` module.
public enum SotoCoreStandIn {}
