import Foundation

/// What a function's program file is, read from its first bytes as `file` reads them: whether this machine can run
/// it, and if not, what `file` would call it.
struct ExecutableFile {
    /// `file`'s description ("ELF 64-bit LSB executable, ARM aarch64"), or nil when the header is not one it names.
    var description: String?
    /// Whether this machine's kernel runs it: an ELF for this architecture, or a `#!` script.
    var runsHere: Bool

    init(header bytes: [UInt8]) {
        if bytes.starts(with: [0x23, 0x21]) {
            self.description = "script, #!"
            self.runsHere = true
        } else if bytes.count >= 20, bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) {
            let bits = bytes[4] == 2 ? "64-bit" : "32-bit"
            let little = bytes[5] == 1
            let type = little ? UInt16(bytes[16]) | UInt16(bytes[17]) << 8 : UInt16(bytes[16]) << 8 | UInt16(bytes[17])
            let machine =
                little ? UInt16(bytes[18]) | UInt16(bytes[19]) << 8 : UInt16(bytes[18]) << 8 | UInt16(bytes[19])
            let kind =
                [2: "executable", 3: "pie executable", 1: "relocatable", 4: "core file"][Int(type)] ?? "type \(type)"
            self.description =
                "ELF \(bits) \(little ? "LSB" : "MSB") \(kind), \(Self.machines[machine] ?? "machine \(machine)")"
            self.runsHere = (type == 2 || type == 3) && machine == Self.hostMachine && bytes[4] == 2 && little
        } else if bytes.count >= 4,
            [[0xCF, 0xFA, 0xED, 0xFE], [0xFE, 0xED, 0xFA, 0xCF], [0xCA, 0xFE, 0xBA, 0xBE]].contains(
                Array(bytes.prefix(4))
            )
        {
            self.description = "Mach-O executable (macOS)"
            self.runsHere = false
        } else if bytes.starts(with: [0x4D, 0x5A]) {
            self.description = "PE32 executable (Windows)"
            self.runsHere = false
        } else if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            self.description = "Zip archive data"
            self.runsHere = false
        } else {
            self.description = nil
            self.runsHere = false
        }
    }

    /// The file's first bytes, or nil when it cannot be read.
    init?(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        self.init(header: [UInt8]((try? handle.read(upToCount: 20)) ?? Data()))
    }

    /// Why this machine cannot run the file at `path`, naming it and what it is; nil when it can (or it is unreadable,
    /// which starting it reports).
    static func problem(at path: String) -> String? {
        guard let file = ExecutableFile(path: path), !file.runsHere else { return nil }
        let what =
            file.description.map { "`file` would say: \($0)" } ?? "it is neither an ELF executable nor a #! script"
        return
            "\(path) is not a program this machine (Linux, \(Self.machines[Self.hostMachine] ?? "?")) runs: \(what); "
            + "build it for linux/\(Self.hostMachine == 183 ? "arm64" : "amd64") (as `GOOS=linux "
            + "GOARCH=\(Self.hostMachine == 183 ? "arm64" : "amd64") go build` does for Go)"
    }

    private static let machines: [UInt16: String] = [
        3: "Intel 80386", 40: "ARM", 62: "x86-64", 183: "ARM aarch64", 243: "UCB RISC-V", 8: "MIPS",
        21: "64-bit PowerPC",
    ]

    private static var hostMachine: UInt16 {
        #if arch(arm64)
        183
        #else
        62
        #endif
    }
}
