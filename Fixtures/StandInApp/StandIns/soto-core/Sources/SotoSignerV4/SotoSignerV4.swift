/// Stands in for soto-core's `SotoSignerV4` module.
public enum SotoSignerV4StandIn {}
