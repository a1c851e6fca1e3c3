import Foundation
import SandboxSQLite

/// Dates, timestamps and UUIDs between their text forms and PostgreSQL's binary ones: timestamps count microseconds
/// and dates days from 2000-01-01 (UTC).
enum PostgresTime {
    /// Days from 1970-01-01 to 2000-01-01.
    private static let epochDays: Int64 = 10_957

    /// `now()` as PostgreSQL prints a timestamptz in UTC: `2026-12-06 19:40:49.123456+00`.
    static func now() -> String {
        let micros = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()) - epochDays * 86_400_000_000
        return self.text(microseconds: micros, zone: true)
    }

    static func text(microseconds: Int64, zone: Bool) -> String {
        let (days, rest) = Self.floorDivide(microseconds, 86_400_000_000)
        let (year, month, day) = Self.civil(days + epochDays)
        let seconds = rest / 1_000_000
        let fraction = rest % 1_000_000
        var text = String(
            format: "%04d-%02d-%02d %02d:%02d:%02d",
            year,
            month,
            day,
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        )
        if fraction != 0 {
            var digits = String(format: "%06d", fraction)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return zone ? text + "+00" : text
    }

    static func text(days: Int32) -> String {
        let (year, month, day) = Self.civil(Int64(days) + epochDays)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// Microseconds from 2000-01-01 UTC for `2026-12-06 19:40:49.5+01`, `2026-12-06T19:40:49Z`, `2026-12-06`.
    static func microseconds(_ text: String) -> Int64? {
        let scalars = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        var index = 0
        func number(_ count: Int) -> Int64? {
            guard index + count <= scalars.count else { return nil }
            var value: Int64 = 0
            for c in scalars[index..<index + count] {
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int64(c - 48)
            }
            index += count
            return value
        }
        func skip(_ c: Character) -> Bool {
            guard index < scalars.count, scalars[index] == c.asciiValue! else { return false }
            index += 1
            return true
        }
        guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2) else { return nil }
        var micros = (Self.days(year: year, month: month, day: day) - epochDays) * 86_400_000_000
        guard index < scalars.count, skip(" ") || skip("T") else { return micros }
        guard let hour = number(2), skip(":"), let minute = number(2), skip(":"), let second = number(2) else {
            return nil
        }
        micros += ((hour * 60 + minute) * 60 + second) * 1_000_000
        if skip(".") {
            var scale: Int64 = 100_000
            while index < scalars.count, scalars[index] >= 48, scalars[index] <= 57 {
                micros += Int64(scalars[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        if skip("Z") { return micros }
        let sign: Int64 = skip("+") ? 1 : (skip("-") ? -1 : 0)
        guard sign != 0 else { return index == scalars.count ? micros : nil }
        guard let zoneHours = number(2) else { return nil }
        var offset = zoneHours * 60
        if skip(":") || (index < scalars.count) { offset += number(2) ?? 0 }
        return micros - sign * offset * 60_000_000
    }

    static func days(_ text: String) -> Int32? {
        self.microseconds(String(text.prefix(10))).map { Int32(Self.floorDivide($0, 86_400_000_000).0) }
    }

    static func uuidBytes(_ text: String) -> [UInt8]? {
        let bytes = Hex.bytes(text.replacingOccurrences(of: "-", with: ""))
        return bytes?.count == 16 ? bytes : nil
    }

    static func uuidText(_ bytes: [UInt8]) -> String {
        let hex = Hex.string(bytes)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(
                hex[
                    hex.index(
                        hex.startIndex,
                        offsetBy: range.lowerBound
                    )..<hex.index(hex.startIndex, offsetBy: range.upperBound)
                ]
            )
        }
        return parts.joined(separator: "-")
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b
        let r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    /// Days from 1970-01-01 (proleptic Gregorian; Howard Hinnant's algorithm).
    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(_ days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }
}
