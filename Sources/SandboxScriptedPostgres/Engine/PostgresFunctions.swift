import CSandboxSQLite
import Foundation

/// PostgreSQL functions SQLite lacks, registered on every connection: now(), gen_random_uuid(), version(), pg_sleep(),
/// pg_backend_pid(), statement_timestamp() and pg_is_in_recovery() (true on a reader: an Aurora replica is a hot
/// standby).
enum PostgresFunctions {
    static func register(
        version: String,
        processID: Int32,
        readOnly: @escaping @Sendable () -> Bool
    ) -> (OpaquePointer) -> Void {
        let versionText = "PostgreSQL \(version) on x86_64-pc-linux-gnu (CloudSandbox scripted PostgreSQL)"
        return { handle in
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            let text: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = {
                context,
                _,
                _ in
                sqlite3_result_text(
                    context,
                    PostgresTime.now(),
                    -1,
                    unsafeBitCast(-1, to: sqlite3_destructor_type.self)
                )
            }
            for name in ["now", "statement_timestamp", "transaction_timestamp", "clock_timestamp"] {
                sqlite3_create_function_v2(handle, name, 0, SQLITE_UTF8, nil, text, nil, nil, nil)
            }
            sqlite3_create_function_v2(
                handle,
                "gen_random_uuid",
                0,
                SQLITE_UTF8,
                nil,
                { context, _, _ in
                    sqlite3_result_text(
                        context,
                        UUID().uuidString.lowercased(),
                        -1,
                        unsafeBitCast(-1, to: sqlite3_destructor_type.self)
                    )
                },
                nil,
                nil,
                nil
            )
            sqlite3_create_function_v2(
                handle,
                "pg_sleep",
                1,
                SQLITE_UTF8,
                nil,
                { context, _, arguments in
                    Thread.sleep(forTimeInterval: min(max(sqlite3_value_double(arguments![0]!), 0), 60))
                    sqlite3_result_null(context)
                },
                nil,
                nil,
                nil
            )
            // Constant per connection: the value is the function's user data.
            let versionBox = Unmanaged.passRetained(versionText as NSString).toOpaque()
            sqlite3_create_function_v2(
                handle,
                "version",
                0,
                SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                versionBox,
                { context, _, _ in
                    let text =
                        Unmanaged<NSString>.fromOpaque(sqlite3_user_data(context)!).takeUnretainedValue() as String
                    sqlite3_result_text(context, text, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
                },
                nil,
                nil,
                { Unmanaged<NSString>.fromOpaque($0!).release() }
            )
            let pid = UnsafeMutableRawPointer(bitPattern: Int(processID) + 1)
            sqlite3_create_function_v2(
                handle,
                "pg_backend_pid",
                0,
                SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                pid,
                { context, _, _ in
                    sqlite3_result_int64(context, Int64(Int(bitPattern: sqlite3_user_data(context)) - 1))
                },
                nil,
                nil,
                nil
            )
            let recovering = Unmanaged.passRetained(ReadOnlyBox(readOnly)).toOpaque()
            sqlite3_create_function_v2(
                handle,
                "pg_is_in_recovery",
                0,
                SQLITE_UTF8,
                recovering,
                { context, _, _ in
                    sqlite3_result_int(
                        context,
                        Unmanaged<ReadOnlyBox>.fromOpaque(sqlite3_user_data(context)!).takeUnretainedValue().readOnly()
                            ? 1 : 0
                    )
                },
                nil,
                nil,
                { Unmanaged<ReadOnlyBox>.fromOpaque($0!).release() }
            )
            _ = transient
        }
    }
}

/// Whether the server is a reader now, as a function's user data.
private final class ReadOnlyBox {
    let readOnly: @Sendable () -> Bool
    init(_ readOnly: @escaping @Sendable () -> Bool) { self.readOnly = readOnly }
}
