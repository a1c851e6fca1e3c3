/// The system variables clients read on connect, with MySQL 8's defaults.
enum SystemVariables {
    static func defaults(version: String, port: Int) -> [String: String] {
        [
            "version": version, "version_comment": "CloudSandbox scripted MySQL", "version_compile_os": "Linux",
            "version_compile_machine": "x86_64", "port": String(port), "hostname": "cloudsandbox", "server_id": "1",
            "max_allowed_packet": "67108864", "net_buffer_length": "16384", "autocommit": "1",
            "sql_mode":
                "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
                + "NO_ENGINE_SUBSTITUTION",
            "transaction_isolation": "REPEATABLE-READ", "tx_isolation": "REPEATABLE-READ",
            "transaction_read_only": "0", "tx_read_only": "0", "read_only": "0", "innodb_read_only": "0",
            "character_set_client": "utf8mb4", "character_set_connection": "utf8mb4",
            "character_set_results": "utf8mb4",
            "character_set_server": "utf8mb4", "character_set_database": "utf8mb4",
            "collation_connection": "utf8mb4_0900_ai_ci",
            "collation_server": "utf8mb4_0900_ai_ci", "collation_database": "utf8mb4_0900_ai_ci",
            "time_zone": "SYSTEM", "system_time_zone": "UTC", "lower_case_table_names": "0", "wait_timeout": "28800",
            "interactive_timeout": "28800", "net_write_timeout": "60", "net_read_timeout": "30", "license": "GPL",
            "init_connect": "", "auto_increment_increment": "1", "auto_increment_offset": "1",
            "sql_select_limit": "18446744073709551615",
            "query_cache_size": "0", "query_cache_type": "OFF", "performance_schema": "0", "have_ssl": "YES",
            "require_secure_transport": "OFF", "max_connections": "151",
            "default_authentication_plugin": "caching_sha2_password",
            "sql_auto_is_null": "0", "foreign_key_checks": "1", "unique_checks": "1", "names": "utf8mb4",
            "last_insert_id": "0",
            "identity": "0", "warning_count": "0", "error_count": "0", "max_execution_time": "0",
            "lock_wait_timeout": "31536000",
            "innodb_lock_wait_timeout": "50", "session_track_schema": "ON", "session_track_system_variables": "",
            "sql_safe_updates": "0", "sql_notes": "1", "sql_warnings": "0", "big_tables": "0",
            "div_precision_increment": "4",
        ]
    }

    /// Whether a variable's value is numeric (so it is substituted unquoted).
    static func isNumeric(_ value: String) -> Bool { !value.isEmpty && Int64(value) != nil || UInt64(value) != nil }
}
