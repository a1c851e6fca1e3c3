import CSQLite
import Foundation

/// MySQL functions SQLite lacks, registered on every connection: NOW(), SLEEP(), CONCAT(), UNIX_TIMESTAMP().
enum SQLiteFunctions {
    static func register(on handle: OpaquePointer) {
        let flags = SQLITE_UTF8
        sqlite3_create_function_v2(handle, "NOW", 0, flags, nil, { context, _, _ in
            sqlite3_result_text(context, SQLiteFunctions.timestamp(), -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }, nil, nil, nil)
        sqlite3_create_function_v2(handle, "UNIX_TIMESTAMP", 0, flags, nil, { context, _, _ in
            sqlite3_result_int64(context, Int64(Date().timeIntervalSince1970))
        }, nil, nil, nil)
        sqlite3_create_function_v2(handle, "SLEEP", 1, flags, nil, { context, _, arguments in
            let seconds = min(max(sqlite3_value_double(arguments![0]!), 0), 60)
            Thread.sleep(forTimeInterval: seconds)
            sqlite3_result_int64(context, 0)
        }, nil, nil, nil)
        sqlite3_create_function_v2(handle, "CONCAT", -1, flags, nil, { context, count, arguments in
            var text = ""
            for index in 0..<Int(count) {
                guard let value = arguments![index], sqlite3_value_type(value) != SQLITE_NULL else {
                    return sqlite3_result_null(context)
                }
                text += String(cString: sqlite3_value_text(value))
            }
            sqlite3_result_text(context, text, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }, nil, nil, nil)
    }

    /// UTC "YYYY-MM-DD HH:MM:SS", like MySQL's NOW() with time_zone '+00:00'.
    static func timestamp() -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.year!, parts.month!, parts.day!,
                      parts.hour!, parts.minute!, parts.second!)
    }
}
