import SandboxTopology

/// RDS's `Engine` and `EngineFamily` values as a template or a Terraform state writes them, and what the sandbox
/// runs for each (nil: not modelled; the importer leaves the resource out with a warning).
enum RDSEngine {
    /// A DB instance's engine: mysql and mariadb run as MySQL (nil in the topology, its default), postgres as
    /// PostgreSQL.
    static func instance(_ engine: String?) -> Topology.DatabaseInstance.Engine?? {
        switch engine ?? "mysql" {
        case "mysql", "mariadb": .some(nil)
        case "postgres": .some(.postgres)
        default: nil
        }
    }

    /// A DB cluster's engine: aurora-mysql (aurora, mysql) as Aurora MySQL (nil in the topology, its default),
    /// aurora-postgresql (postgres) as Aurora PostgreSQL.
    static func cluster(_ engine: String?) -> Topology.Cluster.Engine?? {
        switch engine ?? "aurora-mysql" {
        case "aurora-mysql", "aurora", "mysql": .some(nil)
        case "aurora-postgresql", "postgres": .some(.auroraPostgreSQL)
        default: nil
        }
    }

    /// A proxy's EngineFamily: MYSQL (the topology's default, nil) or POSTGRESQL.
    static func proxyFamily(_ family: String?) -> String?? {
        switch family ?? "MYSQL" {
        case "MYSQL": .some(nil)
        case "POSTGRESQL": .some("POSTGRESQL")
        default: nil
        }
    }

    static let notModelled =
        "is not modelled (the sandbox runs MySQL and PostgreSQL: mysql, mariadb, postgres, aurora-mysql, "
        + "aurora-postgresql)"
}
