/// Zero-padded integers and fixed decimals for text on the request path (log lines, timestamps), without
/// Foundation's `String(format:)`, which goes through CFString's printf on every call.
public enum TextFormat {
    /// `value` in at least `width` characters, zeros after any sign (`padded(7, 3)` → `007`), as `%0Nd` writes it.
    public static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let sign = value < 0 ? "-" : ""
        return sign + String(repeating: "0", count: max(0, width - sign.count - digits.count)) + digits
    }

    /// `value` rounded to `places` decimals (`fixed(3.14159, 2)` → `3.14`), as `%.Nf` writes it.
    public static func fixed(_ value: Double, _ places: Int = 2) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard value.isFinite, scaled < 9e18 else { return "\(value)" }
        let units = Int(scaled)
        let divisor = Int(scale)
        let text = places == 0 ? "\(units)" : "\(units / divisor).\(Self.padded(units % divisor, places))"
        return value < 0 && units > 0 ? "-" + text : text
    }
}
