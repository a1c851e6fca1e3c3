import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How wide the terminal that standard output goes to is: `COLUMNS` when set, else the terminal's own width, else
/// nil (a pipe or a file: tables are not wrapped).
public enum TerminalWidth {
    public static var current: Int? {
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        var size = winsize()
        guard isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else {
            return nil
        }
        return Int(size.ws_col)
    }
}
