import CSandboxSQLite
import Foundation
import SandboxSQLite

/// MySQL functions SQLite lacks, registered on every connection: NOW(), SLEEP(), CONCAT(), UNIX_TIMESTAMP(), UNHEX(),
/// REPEAT().
enum SQLiteFunctions {
    static func register(on handle: OpaquePointer) {
        let flags = SQLITE_UTF8
        sqlite3_create_function_v2(
            handle,
            "NOW",
            0,
            flags,
            nil,
            { context, _, _ in
                sqlite3_result_text(
                    context,
                    SQLiteFunctions.timestamp(),
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
            "UNIX_TIMESTAMP",
            0,
            flags,
            nil,
            { context, _, _ in
                sqlite3_result_int64(context, Int64(Date().timeIntervalSince1970))
            },
            nil,
            nil,
            nil
        )
        sqlite3_create_function_v2(
            handle,
            "SLEEP",
            1,
            flags,
            nil,
            { context, _, arguments in
                let seconds = min(max(sqlite3_value_double(arguments![0]!), 0), 60)
                Thread.sleep(forTimeInterval: seconds)
                sqlite3_result_int64(context, 0)
            },
            nil,
            nil,
            nil
        )
        sqlite3_create_function_v2(
            handle,
            "UNHEX",
            1,
            flags,
            nil,
            { context, _, arguments in
                guard let argument = arguments![0], sqlite3_value_type(argument) != SQLITE_NULL,
                    let bytes = SQLiteFunctions.unhex(String(cString: sqlite3_value_text(argument)))
                else { return sqlite3_result_null(context) }
                bytes.withUnsafeBytes {
                    sqlite3_result_blob(
                        context,
                        $0.baseAddress,
                        Int32($0.count),
                        unsafeBitCast(-1, to: sqlite3_destructor_type.self)
                    )
                }
            },
            nil,
            nil,
            nil
        )
        sqlite3_create_function_v2(
            handle,
            "REPEAT",
            2,
            flags,
            nil,
            { context, _, arguments in
                guard let text = arguments![0], let times = arguments![1], sqlite3_value_type(text) != SQLITE_NULL,
                    sqlite3_value_type(times) != SQLITE_NULL
                else { return sqlite3_result_null(context) }
                let unit = Array(
                    UnsafeBufferPointer(start: sqlite3_value_text(text), count: Int(sqlite3_value_bytes(text)))
                )
                let count = max(0, sqlite3_value_int64(times))
                // MySQL answers NULL (with a warning) past max_allowed_packet.
                guard Int64(unit.count) * count <= 64 * 1024 * 1024 else { return sqlite3_result_null(context) }
                let out = SQLiteFunctions.repeated(unit, Int(count))
                out.withUnsafeBytes { buffer in
                    sqlite3_result_text(
                        context,
                        buffer.baseAddress!.assumingMemoryBound(to: CChar.self),
                        Int32(buffer.count - 1),
                        unsafeBitCast(-1, to: sqlite3_destructor_type.self)
                    )
                }
            },
            nil,
            nil,
            nil
        )
        sqlite3_create_function_v2(
            handle,
            "CONCAT",
            -1,
            flags,
            nil,
            { context, count, arguments in
                var text = ""
                for index in 0..<Int(count) {
                    guard let value = arguments![index], sqlite3_value_type(value) != SQLITE_NULL else {
                        return sqlite3_result_null(context)
                    }
                    text += String(cString: sqlite3_value_text(value))
                }
                sqlite3_result_text(context, text, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            },
            nil,
            nil,
            nil
        )
    }

    /// `unit` `count` times, NUL-terminated; copies double what is filled, so a long repeat is a few copies.
    static func repeated(_ unit: [UInt8], _ count: Int) -> [UInt8] {
        let total = unit.count * count
        return [UInt8](unsafeUninitializedCapacity: total + 1) { buffer, initialized in
            let base = buffer.baseAddress!
            var filled = min(unit.count, total)
            unit.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: filled) }
            while filled < total {
                let chunk = min(filled, total - filled)
                (base + filled).update(from: base, count: chunk)
                filled += chunk
            }
            base[total] = 0
            initialized = total + 1
        }
    }

    /// MySQL's UNHEX: pairs of hex digits to bytes (an odd count gets a leading 0); nil for anything else.
    static func unhex(_ text: String) -> [UInt8]? {
        Hex.bytes(text.utf8.count % 2 == 1 ? "0" + text : text)
    }

    /// UTC "YYYY-MM-DD HH:MM:SS", like MySQL's NOW() with time_zone '+00:00'.
    static func timestamp() -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d",
            parts.year!,
            parts.month!,
            parts.day!,
            parts.hour!,
            parts.minute!,
            parts.second!
        )
    }
}
