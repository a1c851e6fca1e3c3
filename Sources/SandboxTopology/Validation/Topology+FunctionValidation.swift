import Foundation
import SandboxAWSCore

extension Topology {
    /// Functions and APIs: names, exactly one kind of code, what built-in handlers and routes refer to.
    func validateFunctions() throws(TopologyError) {
        var names: Set<String> = []
        for (index, function) in (self.functions ?? []).enumerated() {
            let path = "functions[\(index)]"
            guard function.name.range(of: #"^[A-Za-z0-9_-]{1,64}$"#, options: .regularExpression) != nil else {
                throw TopologyError(
                    path: "\(path).name",
                    "'\(function.name)' is not a function name: use 1-64 letters, digits, hyphens and underscores"
                )
            }
            guard names.insert(function.name).inserted else {
                throw TopologyError(path: "\(path).name", "'\(function.name)' is used twice")
            }
            let kinds = [function.builtin != nil, function.command != nil].filter { $0 }.count
            guard kinds <= 1 else {
                throw TopologyError(
                    path: path,
                    "give a function either `builtin` or `command` (or a Swift `handler`), not both"
                )
            }
            guard kinds == 1 || function.handler != nil else {
                throw TopologyError(
                    path: path,
                    "has no code: add `builtin` (echo or sql), `command` (a Runtime API process) or a Swift "
                        + "`handler` name"
                )
            }
            if let command = function.command, command.isEmpty {
                throw TopologyError(path: "\(path).command", "is empty; name the program to run")
            }
            if let timeout = function.timeout, !(1...900).contains(timeout) {
                throw TopologyError(path: "\(path).timeout", "\(timeout) s is outside Lambda's 1-900 seconds")
            }
            if let memory = function.memorySize, !(128...10_240).contains(memory) {
                throw TopologyError(path: "\(path).memorySize", "\(memory) MB is outside Lambda's 128-10240 MB")
            }
            if let builtin = function.builtin { try self.validate(builtin, path: "\(path).builtin") }
            if function.vpc != nil, self.network == nil {
                throw TopologyError(
                    path: "\(path).vpc",
                    "names subnets but the topology has no network; add network.vpcs or drop it"
                )
            }
            if let vpc = function.vpc, vpc.subnets.isEmpty {
                throw TopologyError(path: "\(path).vpc.subnets", "is empty; a VPC function needs a subnet")
            }
        }
        var apiNames: Set<String> = []
        for (index, api) in (self.apis ?? []).enumerated() {
            guard apiNames.insert(api.name).inserted else {
                throw TopologyError(path: "apis[\(index)].name", "'\(api.name)' is used twice")
            }
            var keys: Set<String> = []
            for (r, route) in api.routes.enumerated() {
                let path = "apis[\(index)].routes[\(r)]"
                do throws(RouteKeyError) { _ = try RouteKey(route.route) } catch {
                    throw TopologyError(path: "\(path).route", error.reason)
                }
                guard keys.insert(route.route).inserted else {
                    throw TopologyError(path: "\(path).route", "'\(route.route)' is routed twice")
                }
                guard names.contains(route.function) else {
                    throw TopologyError(
                        path: "\(path).function",
                        "no function '\(route.function)'; functions: \(names.sorted().joined(separator: ", "))"
                    )
                }
                if let version = route.payloadFormatVersion, !["1.0", "2.0"].contains(version) {
                    throw TopologyError(
                        path: "\(path).payloadFormatVersion",
                        "'\(version)' is not a payload format: use 1.0 or 2.0"
                    )
                }
                if let timeout = route.timeoutInMillis, !(50...30_000).contains(timeout) {
                    throw TopologyError(
                        path: "\(path).timeoutInMillis",
                        "\(timeout) ms is outside HTTP APIs' 50-30000 ms"
                    )
                }
            }
        }
    }

    private func validate(_ builtin: Function.Builtin, path: String) throws(TopologyError) {
        guard [builtin.echo != nil, builtin.sql != nil, builtin.unbound != nil].filter({ $0 }).count == 1 else {
            throw TopologyError(path: path, "name exactly one built-in handler: echo, sql or unbound")
        }
        guard let sql = builtin.sql else { return }
        let targets = Set(self.instances.map(\.id) + (self.proxies ?? []).map(\.name))
        guard targets.contains(sql.target) else {
            throw TopologyError(
                path: "\(path).sql.target",
                "no proxy or instance '\(sql.target)'; known: \(targets.sorted().joined(separator: ", "))"
            )
        }
        if sql.auth == .secret {
            guard let secret = sql.secret,
                secret.hasPrefix("arn:") || (self.secrets ?? []).contains(where: { $0.name == secret })
            else {
                throw TopologyError(
                    path: "\(path).sql.secret",
                    "auth: secret needs `secret`, the name of one of `secrets` (or an ARN)"
                )
            }
        }
        guard !sql.statements.isEmpty else {
            throw TopologyError(path: "\(path).sql.statements", "is empty; give the statements to run")
        }
    }
}

extension Topology {
    /// Process functions can start: each `workingDirectory` (relative to `baseDirectory`) is a folder, each
    /// `command`'s program (or a managed runtime's, `node`) is on `PATH` (or, with a slash, a file relative to the
    /// working directory), and a program file (a go1.x handler's too, when it is in its folder) is one this machine
    /// runs: an executable for its architecture or a script.
    public func validateProcessFunctions(
        baseDirectory: URL,
        path searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? ""
    ) throws(TopologyError) {
        for (index, function) in (self.functions ?? []).enumerated() {
            guard function.command != nil || function.managedRuntime != nil else { continue }
            let path = "functions[\(index)]"
            let directory = function.codeFolder(relativeTo: baseDirectory) ?? baseDirectory
            var isFolder: ObjCBool = false
            if function.workingDirectory != nil,
                !(FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder) && isFolder.boolValue)
            {
                throw TopologyError(
                    path: "\(path).workingDirectory",
                    "\(directory.path) is not a folder; give the function's code folder, "
                        + "relative to the topology file's (\(baseDirectory.path))"
                )
            }
            if function.managedRuntime == .go, let handler = function.handler {
                // A missing executable is built from the folder's sources when the sandbox starts, or the function says
                // why it cannot run.
                if let problem = ExecutableFile.problem(at: directory.appendingPathComponent(handler).path) {
                    throw TopologyError(path: "\(path).handler", problem)
                }
                continue
            }
            guard let program = function.command?.first ?? function.managedRuntime?.program else { continue }
            let key = function.command == nil ? "runtime" : "command"
            guard program.contains("/") else {
                guard
                    searchPath.split(separator: ":").contains(where: {
                        FileManager.default.isExecutableFile(atPath: "\($0)/\(program)")
                    })
                else {
                    throw TopologyError(
                        path: "\(path).\(key)",
                        "'\(program)' is not on PATH (\(searchPath)); install it or name it by its full path"
                    )
                }
                continue
            }
            let file = URL(fileURLWithPath: program, relativeTo: directory).path
            guard FileManager.default.fileExists(atPath: file) else {
                throw TopologyError(path: "\(path).\(key)", "'\(program)' is not a file under \(directory.path)")
            }
            guard FileManager.default.isExecutableFile(atPath: file) else {
                throw TopologyError(path: "\(path).\(key)", "\(file) is not executable; `chmod +x` it")
            }
            if let problem = ExecutableFile.problem(at: file) { throw TopologyError(path: "\(path).\(key)", problem) }
        }
    }
}
