import CSandboxSQLite
import Foundation

/// The part of `pg_catalog` that psql's `\dt` and drivers' metadata calls read, as temporary views over SQLite's own
/// schema on each connection: `pg_namespace` (pg_catalog, public, information_schema), `pg_class` (the tables, views
/// and indexes, in public), `pg_am` and an empty `pg_description`; with `pg_get_userbyid()` (the database's owner),
/// `pg_table_is_visible()` and the regular-expression match that `~` and `!~` become.
enum PostgresCatalog {
    /// The first oid of user objects in PostgreSQL (FirstNormalObjectId); relations are numbered from it.
    static let firstObjectID = 16_384
    static let publicNamespace = 2_200

    static let views = [
        """
        CREATE TEMP VIEW pg_namespace AS SELECT 11 AS oid, 'pg_catalog' AS nspname, 10 AS nspowner
        UNION ALL SELECT \(publicNamespace), 'public', 10 UNION ALL SELECT 13000, 'information_schema', 10
        """,
        """
        CREATE TEMP VIEW pg_class AS SELECT rowid + \(firstObjectID) AS oid, name AS relname, \(publicNamespace)
            AS relnamespace,
        CASE type WHEN 'table' THEN 'r' WHEN 'view' THEN 'v' ELSE 'i' END AS relkind, 10 AS relowner,
        CASE type WHEN 'table' THEN 2 WHEN 'index' THEN 403 ELSE 0 END AS relam, 'p' AS relpersistence, -1 AS reltuples
        FROM main.sqlite_schema WHERE type IN ('table', 'view', 'index') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
        """,
        "CREATE TEMP VIEW pg_am AS SELECT 2 AS oid, 'heap' AS amname UNION ALL SELECT 403, 'btree'",
        "CREATE TEMP VIEW pg_description AS SELECT 0 AS objoid, 0 AS classoid, 0 AS objsubid, '' AS description "
            + "WHERE 0",
    ]

    /// Registers the functions and creates the views on a new connection.
    static func install(owner: String) -> (OpaquePointer) -> Void {
        { handle in
            let ownerBox = Unmanaged.passRetained(owner as NSString).toOpaque()
            sqlite3_create_function_v2(
                handle,
                "pg_get_userbyid",
                1,
                SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                ownerBox,
                { context, _, _ in
                    let owner =
                        Unmanaged<NSString>.fromOpaque(sqlite3_user_data(context)!).takeUnretainedValue() as String
                    sqlite3_result_text(context, owner, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
                },
                nil,
                nil,
                { Unmanaged<NSString>.fromOpaque($0!).release() }
            )
            sqlite3_create_function_v2(
                handle,
                "pg_table_is_visible",
                1,
                SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                nil,
                { context, _, _ in
                    sqlite3_result_int(context, 1)
                },
                nil,
                nil,
                nil
            )
            // `x REGEXP p` calls regexp(p, x): PostgreSQL's `~` (and `!~` as NOT REGEXP); NULL when either is NULL.
            sqlite3_create_function_v2(
                handle,
                "regexp",
                2,
                SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                nil,
                { context, _, arguments in
                    guard let pattern = sqlite3_value_text(arguments![0]),
                        let subject = sqlite3_value_text(arguments![1])
                    else {
                        return sqlite3_result_null(context)
                    }
                    let text = String(cString: subject)
                    guard let expression = try? NSRegularExpression(pattern: String(cString: pattern)) else {
                        return sqlite3_result_error(context, "invalid regular expression", -1)
                    }
                    sqlite3_result_int(
                        context,
                        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil ? 0 : 1
                    )
                },
                nil,
                nil,
                nil
            )
            for view in Self.views { sqlite3_exec(handle, view, nil, nil, nil) }
        }
    }
}
