import ArgumentParser
import CloudSandbox
import Foundation
import SandboxTemplateImport

/// How a command reads its PATH: a topology, a CloudFormation/SAM template or Terraform JSON (told apart by
/// content), with the import's options. Warnings and where the operator host went are printed to stderr.
struct TopologyArguments: ParsableArguments {
    @Option(name: .customLong("param"), help: ArgumentHelp("A template parameter, K=V (repeatable).", valueName: "K=V"))
    var parameters: [String] = []

    @Option(
        name: .customLong("operator"),
        help: ArgumentHelp(
            "Where this machine sits in an imported network: a function's name, SUBNET:SG,SG, or outside (default: "
                + "the first VPC function's placement).",
            valueName: "PLACEMENT"
        )
    )
    var operatorPlacement: String?

    @Option(
        name: .customLong("function-env"),
        help: ArgumentHelp(
            "An environment variable set on every imported function, K=V (repeatable), e.g. "
                + "DB_CA_BUNDLE='${proxy-ca-bundle}'.",
            valueName: "K=V"
        )
    )
    var functionEnvironment: [String] = []

    @Option(help: "AWS::StackName of an imported template (default: its file name).")
    var stackName: String?

    var options: TopologySource.Options {
        get throws {
            TopologySource.Options(
                parameters: try Self.pairs(self.parameters, option: "--param"),
                operatorPlacement: self.operatorPlacement.map(TopologySource.OperatorPlacement.init(parsing:))
                    ?? .firstFunction,
                stackName: self.stackName,
                environment: try Self.pairs(self.functionEnvironment, option: "--function-env")
            )
        }
    }

    /// Loads `path`; `quiet` keeps the import's report off stderr (JSON output).
    func load(_ path: String, quiet: Bool = false) throws -> TopologySource.Loaded {
        let loaded = try TopologySource.load(path: path, options: try self.options)
        guard !quiet, loaded.format != .topology else { return loaded }
        var report = "\(path): \(loaded.format.rawValue) imported (\(loaded.topology.summary))\n"
        for warning in loaded.warnings { report += "  warning: \(warning)\n" }
        if let note = loaded.operatorNote { report += "  \(note)\n" }
        FileHandle.standardError.write(Data(report.utf8))
        return loaded
    }

    private static func pairs(_ values: [String], option: String) throws -> [String: String] {
        var pairs: [String: String] = [:]
        for value in values {
            guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                throw ValidationError("\(option) \(value): write it as KEY=VALUE")
            }
            pairs[String(value[..<equals])] = String(value[value.index(after: equals)...])
        }
        return pairs
    }
}

extension Topology {
    /// `1 database, 1 proxy, 1 function, 1 API`.
    var summary: String {
        let counts = [
            ("database", self.instances.count), ("proxy", self.proxies?.count ?? 0),
            ("function", self.functions?.count ?? 0),
            ("API", self.apis?.count ?? 0), ("secret", self.secrets?.count ?? 0), ("role", self.iam?.roles?.count ?? 0),
        ]
        return counts.filter { $0.1 > 0 }.map {
            "\($0.1) \($0.1 > 1 && $0.0 == "proxy" ? "proxie" : $0.0)\($0.1 == 1 ? "" : "s")"
        }.joined(separator: ", ")
    }
}
