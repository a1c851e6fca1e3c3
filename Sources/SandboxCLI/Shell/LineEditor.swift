import Foundation

/// A small line editor for the shell on a terminal: the cursor keys, history (up/down), Home/End, backspace, Tab
/// completion, Ctrl-U (erase to the start), Ctrl-C (drop the line) / Ctrl-D (end on an empty line), in raw mode only
/// while a line is read. Without a terminal it reads plain lines.
final class LineEditor {
    private var history: [String] = []
    private let complete: (String) -> [String]
    let isTerminal = isatty(STDIN_FILENO) == 1

    /// `complete` answers the words that may finish the line so far (its last word).
    init(complete: @escaping (String) -> [String]) { self.complete = complete }

    /// The next line, or nil at the end of input.
    func readLine(prompt: String) -> String? {
        guard self.isTerminal else {
            FileHandle.standardOutput.write(Data(prompt.utf8))
            return Swift.readLine()
        }
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var raw = original
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw)
        defer { tcsetattr(STDIN_FILENO, TCSAFLUSH, &original) }
        var line: [Character] = []
        var cursor = 0
        var recalled = self.history.count
        func redraw() {
            self.write(
                "\r\u{1B}[K" + prompt + String(line) + (cursor < line.count ? "\u{1B}[\(line.count - cursor)D" : "")
            )
        }
        redraw()
        while let byte = self.readByte() {
            switch byte {
            case 13, 10:
                self.write("\r\n")
                let text = String(line)
                if !text.trimmingCharacters(in: .whitespaces).isEmpty, self.history.last != text {
                    self.history.append(text)
                }
                return text
            case 3:
                line = []
                cursor = 0
                self.write("^C\r\n")
                redraw()
            case 21:
                line.removeFirst(cursor)
                cursor = 0
                redraw()
            case 4 where line.isEmpty:
                self.write("\r\n")
                return nil
            case 127, 8:
                if cursor > 0 {
                    line.remove(at: cursor - 1)
                    cursor -= 1
                    redraw()
                }
            case 9:
                let text = String(line[..<cursor])
                let options = self.complete(text)
                let word = text.split(separator: " ", omittingEmptySubsequences: false).last.map(String.init) ?? ""
                if options.count == 1, let only = options.first {
                    let added = Array(only.dropFirst(word.count)) + [" "]
                    line.insert(contentsOf: added, at: cursor)
                    cursor += added.count
                    redraw()
                } else if options.count > 1 {
                    self.write("\r\n" + options.joined(separator: "  ") + "\r\n")
                    redraw()
                }
            case 27:
                guard self.readByte() == 91, let key = self.readByte() else { continue }
                switch key {
                case 65 where recalled > 0:
                    recalled -= 1
                    line = Array(self.history[recalled])
                    cursor = line.count
                case 66 where recalled < self.history.count:
                    recalled += 1
                    line = recalled < self.history.count ? Array(self.history[recalled]) : []
                    cursor = line.count
                case 67 where cursor < line.count: cursor += 1
                case 68 where cursor > 0: cursor -= 1
                case 72: cursor = 0
                case 70: cursor = line.count
                default: break
                }
                redraw()
            case 32...126:
                line.insert(Character(UnicodeScalar(byte)), at: cursor)
                cursor += 1
                redraw()
            default:
                continue
            }
        }
        return nil
    }

    private func readByte() -> UInt8? {
        var byte: UInt8 = 0
        return read(STDIN_FILENO, &byte, 1) == 1 ? byte : nil
    }

    private func write(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
}
