/// Aligned columns for people at a terminal, as `kubectl get` and `aws --output table` print them: upper-case
/// headers, two spaces between columns, and the last column wrapped under itself when a row would pass the width.
public struct TextTable: Sendable, Equatable {
    public var headers: [String]
    public var rows: [[String]]
    /// Spaces before every line (a table nested under a heading).
    public var indent: Int

    public init(_ headers: [String], rows: [[String]] = [], indent: Int = 0) {
        (self.headers, self.rows, self.indent) = (headers, rows, indent)
    }

    /// The table's lines, fitted to `width` columns (nil: unbounded, as when the output is a pipe). Only the last
    /// column wraps; it keeps at least 16 columns, so a very narrow terminal wraps the line itself.
    public func lines(width: Int?) -> [String] {
        let all = (self.headers.isEmpty ? [] : [self.headers.map { $0.uppercased() }]) + self.rows
        guard let columns = all.map(\.count).max(), columns > 0 else { return [] }
        var widths = (0..<columns).map { column in all.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        let fixed = self.indent + widths.dropLast().reduce(0) { $0 + $1 + 2 }
        if let width, fixed + widths[columns - 1] > width { widths[columns - 1] = max(16, width - fixed) }
        return all.flatMap { row in
            let cells = (0..<columns).map { $0 < row.count ? row[$0] : "" }
            let prefix =
                String(repeating: " ", count: self.indent)
                + zip(cells.dropLast(), widths).map { $0.padding(toLength: $1 + 2, withPad: " ", startingAt: 0) }
                .joined()
            let wrapped = Self.wrap(cells[columns - 1], width: widths[columns - 1])
            return wrapped.enumerated().map { index, piece in
                let line = (index == 0 ? prefix : String(repeating: " ", count: prefix.count)) + piece
                return String(line.reversed().drop(while: { $0 == " " }).reversed())
            }
        }
    }

    /// The table as text (no trailing newline).
    public func render(width: Int?) -> String { self.lines(width: width).joined(separator: "\n") }

    /// `text` cut into pieces of at most `width` characters, at spaces where it can be.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard text.count > width, width > 0 else { return [text] }
        var pieces: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            var word = Substring(word)
            while !word.isEmpty {
                let room = line.isEmpty ? width : width - line.count - 1
                if word.count <= room {
                    line += (line.isEmpty ? "" : " ") + word
                    word = ""
                } else if line.isEmpty {
                    pieces.append(String(word.prefix(width)))
                    word = word.dropFirst(width)
                } else {
                    pieces.append(line)
                    line = ""
                }
            }
        }
        return pieces + (line.isEmpty ? [] : [line])
    }
}
