import Foundation

/// NUMERIC's binary form: digit count, weight, sign, display scale, then base-10000 digits.
enum PostgresNumeric {
    static func binary(_ text: String) -> [UInt8]? {
        var text = Substring(text.trimmingCharacters(in: .whitespaces))
        if text.lowercased() == "nan" { return self.header(0, 0, 0xC000, 0) }
        var negative = false
        if text.first == "-" || text.first == "+" {
            negative = text.first == "-"
            text = text.dropFirst()
        }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty), (whole + fraction).allSatisfy(\.isASCIIDigit) else { return nil }
        // Pad to whole groups of four on both sides of the point.
        let wholeDigits = String(repeating: "0", count: (4 - whole.count % 4) % 4) + whole
        let fractionDigits = fraction + String(repeating: "0", count: (4 - fraction.count % 4) % 4)
        var groups = Self.groups(Substring(wholeDigits)) + Self.groups(Substring(fractionDigits))
        var weight = wholeDigits.count / 4 - 1
        while groups.first == 0 {
            groups.removeFirst()
            weight -= 1
        }
        while groups.last == 0 { groups.removeLast() }
        if groups.isEmpty { weight = 0 }
        var out = self.header(groups.count, weight, negative && !groups.isEmpty ? 0x4000 : 0, fraction.count)
        for group in groups { out += [UInt8(group >> 8), UInt8(group & 0xFF)] }
        return out
    }

    static func text(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 8 else { return nil }
        func word(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
        let count = word(0)
        let weight = Int(Int16(bitPattern: UInt16(word(2))))
        let sign = word(4)
        let scale = word(6)
        guard bytes.count == 8 + 2 * count else { return nil }
        if sign == 0xC000 { return "NaN" }
        let groups = (0..<count).map { word(8 + 2 * $0) }
        var whole = ""
        var fraction = ""
        for position in 0...max(weight, 0) {
            let group = position < groups.count ? groups[position] : 0
            whole += position == 0 ? String(group) : Self.padded(group)
            if weight < 0 {
                whole = "0"
                break
            }
        }
        var index = weight + 1
        while fraction.count < scale {
            let group = index >= 0 && index < groups.count ? groups[index] : 0
            fraction += Self.padded(group)
            index += 1
        }
        fraction = String(fraction.prefix(scale))
        let body = scale > 0 ? "\(whole).\(fraction)" : whole
        return sign == 0x4000 ? "-" + body : body
    }

    private static func groups(_ digits: Substring) -> [Int] {
        stride(from: 0, to: digits.count, by: 4).map { start in
            let from = digits.index(digits.startIndex, offsetBy: start)
            return Int(digits[from..<digits.index(from, offsetBy: 4)])!
        }
    }

    private static func padded(_ group: Int) -> String {
        let text = String(group)
        return String(repeating: "0", count: 4 - text.count) + text
    }

    private static func header(_ count: Int, _ weight: Int, _ sign: Int, _ scale: Int) -> [UInt8] {
        [count, weight, sign, scale].flatMap { [UInt8(truncatingIfNeeded: $0 >> 8), UInt8(truncatingIfNeeded: $0)] }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { self.isASCII && self.isNumber }
}
