import ArgumentParser
import CloudSandbox
import Foundation
import Logging

/// `sandbox shell [TOPOLOGY]`: reads commands of the same tree (`describe proxies`, `sql …`, `reach …`) with line
/// editing, history and Tab completion of commands and resource names, against the running sandbox — attached
/// when one answers at the endpoints file, else started here from TOPOLOGY and stopped at `exit`. An error never
/// ends the session.
struct ShellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "An interactive shell on a running sandbox (started from TOPOLOGY when none runs)."
    )

    @Argument(help: "The topology to start when no sandbox runs.") var topology: String = "Sandbox/default.yaml"
    @OptionGroup var source: TopologyArguments
    @OptionGroup var sandbox: RunningSandbox

    func run() async throws {
        let colour = isatty(STDOUT_FILENO) == 1
        var started: Sandbox?
        if await !self.sandbox.answers(timeout: 2) {
            let loaded = try self.source.load(self.topology, quiet: false)
            let (topology, base) = (loaded.topology, loaded.baseDirectory)
            let sandbox = try await Sandbox.start(
                topology,
                baseDirectory: base,
                logger: Logger(label: "cloudsandbox", factory: { _ in SwiftLogNoOpLogHandler() })
            )
            try? FileManager.default.createDirectory(
                atPath: (self.sandbox.path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try sandbox.endpoints.write(to: self.sandbox.path)
            started = sandbox
            print(
                "started \(self.topology) (endpoints file \(self.sandbox.path)); `help` lists the commands, `exit` "
                    + "stops it"
            )
        } else {
            print(
                "attached to the sandbox at \(self.sandbox.path); `help` lists the commands, `exit` leaves it running"
            )
        }
        setenv("SANDBOX_ENDPOINTS", self.sandbox.path, 1)
        let endpoints = try? self.sandbox.endpoints()
        let editor = LineEditor { Self.completions(for: $0, endpoints: endpoints) }
        let prompt = colour ? "\u{1B}[36msandbox>\u{1B}[0m " : "sandbox> "
        while let line = editor.readLine(prompt: prompt) {
            let words = Self.words(line)
            guard let first = words.first else { continue }
            if ["exit", "quit"].contains(first) { break }
            await Self.execute(words, colour: colour)
        }
        if let started {
            await started.shutdown()
            try? FileManager.default.removeItem(atPath: self.sandbox.path)
            print("stopped")
        }
    }

    static var commandNames: [String] {
        SandboxCommand.configuration.subcommands.map { $0._commandName }.filter { !["shell", "up"].contains($0) } + [
            "help", "exit",
        ]
    }

    /// Runs one line as a command of the tree; errors are printed, never thrown.
    static func execute(_ words: [String], colour: Bool) async {
        let red = { (text: String) in colour ? "\u{1B}[31m\(text)\u{1B}[0m" : text }
        if words[0] == "help" {
            if words.count > 1,
                let type = SandboxCommand.configuration.subcommands.first(where: { $0._commandName == words[1] })
            {
                print(SandboxCommand.helpMessage(for: type))
            } else {
                print(
                    "commands: " + Self.commandNames.joined(separator: ", ")
                        + "\n`help COMMAND` for one; Tab completes commands and names; Ctrl-D or `exit` ends"
                )
            }
            return
        }
        guard Self.commandNames.contains(words[0]) else {
            let hint =
                UnknownKeys.nearest(to: words[0], in: Self.commandNames).map { "did you mean \($0)?" }
                ?? "`help` lists the commands"
            print(red("unknown command '\(words[0])'; \(hint)"))
            return
        }
        do {
            var command = try SandboxCommand.parseAsRoot(words)
            if var async = command as? AsyncParsableCommand { try await async.run() } else { try command.run() }
        } catch let code as ExitCode {
            if code != .success { print(red("(exit \(code.rawValue))")) }
        } catch {
            print(red(SandboxCommand.fullMessage(for: error)))
        }
    }

    /// Words as a shell splits them: spaces, and '…' or "…" quoting.
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// Commands for the first word; then the sandbox's names (proxies, instances, clusters, functions, APIs, hosts,
    /// roles) and the describe sections.
    static func completions(for text: String, endpoints: Endpoints?) -> [String] {
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let word = words.last ?? ""
        var names: [String]
        if words.count <= 1 {
            names = Self.commandNames
        } else {
            names =
                Array(endpoints?.proxies?.keys ?? [:].keys) + Array(endpoints?.databases.keys ?? [:].keys)
                + Array(endpoints?.clusters?.keys ?? [:].keys)
            names +=
                Array(endpoints?.functions?.keys ?? [:].keys) + Array(endpoints?.apis?.keys ?? [:].keys)
                + Array(endpoints?.hosts?.keys ?? [:].keys)
            names +=
                Array(endpoints?.credentials?.keys ?? [:].keys) + SandboxDescription.Section.allCases.map(\.rawValue)
        }
        return Array(Set(names.filter { $0.hasPrefix(word) })).sorted()
    }
}
