import Foundation
import SandboxTopology
import SandboxVirtualNetwork
import Yams

/// Loads what `sandbox up PATH` is given — a topology, a CloudFormation/SAM template (with its nested stacks)
/// or `terraform show -json` output — telling them apart by their content.
public enum TopologySource {
    public enum Format: String, Sendable {
        case topology
        case cloudFormation = "CloudFormation/SAM template"
        case terraform = "Terraform JSON"
    }

    /// Where the operator host (this machine's 127.0.0.1) sits in an imported network.
    public enum OperatorPlacement: Sendable, Equatable {
        /// With the first function attached to a VPC (its first subnet and its groups).
        case firstFunction
        case function(String)
        case subnet(String, securityGroups: [String])
        case outside

        /// `FUNCTION`, `SUBNET:SG,SG`, `outside`.
        public init(parsing text: String) {
            if text == "outside" {
                self = .outside
                return
            }
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2 || text.hasPrefix("subnet-") {
                self = .subnet(
                    parts[0],
                    securityGroups: parts.count == 2 ? parts[1].split(separator: ",").map(String.init) : []
                )
            } else {
                self = .function(text)
            }
        }
    }

    public struct Options: Sendable {
        /// `--param K=V`: the root template's parameters.
        public var parameters: [String: String]
        public var operatorPlacement: OperatorPlacement
        /// AWS::StackName of the root template.
        public var stackName: String?
        public var region: String
        public var accountId: String
        /// Set on every imported function (a support engineer pointing the code at the sandbox's CA bundle).
        public var environment: [String: String]

        public init(
            parameters: [String: String] = [:],
            operatorPlacement: OperatorPlacement = .firstFunction,
            stackName: String? = nil,
            region: String = "us-east-1",
            accountId: String = "123456789012",
            environment: [String: String] = [:]
        ) {
            self.environment = environment
            self.parameters = parameters
            self.operatorPlacement = operatorPlacement
            self.stackName = stackName
            self.region = region
            self.accountId = accountId
        }
    }

    public struct Loaded: Sendable {
        public var topology: Topology
        /// What relative paths in the topology are relative to.
        public var baseDirectory: URL
        public var format: Format
        public var warnings: [ImportWarning]
        /// Where the operator host was put and why (imports only), for the person starting it.
        public var operatorNote: String?
        /// The file loaded.
        public var file: String = ""
        /// Each imported function's resource: its logical id (with the nested stack's path) or Terraform address.
        public var functionSources: [String: String] = [:]
    }

    public static func load(path: String, options: Options = .init()) throws -> Loaded {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw TopologyError(path: path, "cannot read the file; check the path")
        }
        let node = try TemplateReader.compose(text, file: url.path)
        switch self.detect(node) {
        case .topology:
            let (topology, base) = try TopologyLoader.load(path: path)
            return Loaded(
                topology: topology,
                baseDirectory: base,
                format: .topology,
                warnings: [],
                operatorNote: nil,
                file: url.path
            )
        case .cloudFormation:
            return try self.importTemplate(url, options: options)
        case .terraform:
            var reader = TemplateReader()
            var importer = TerraformImporter(file: url, region: options.region)
            var topology = try importer.importDocument(try reader.read(node!, file: url.path))
            let note = try self.placeOperator(
                &topology,
                placements: importer.functionPlacements,
                options.operatorPlacement,
                file: url.path
            )
            self.setEnvironment(&topology, options.environment)
            try self.validate(topology, file: url.path)
            return Loaded(
                topology: topology,
                baseDirectory: url.deletingLastPathComponent(),
                format: .terraform,
                warnings: importer.warnings,
                operatorNote: note,
                file: url.path,
                functionSources: importer.builder.functionSources
            )
        }
    }

    /// A template has `Resources` (or AWSTemplateFormatVersion/Transform); Terraform JSON has `format_version` and
    /// `values` or `planned_values`; anything else is read as a topology (and refused there if it is none).
    public static func detect(_ text: String) -> Format { self.detect(try? Yams.compose(yaml: text)) }

    private static func detect(_ node: Node?) -> Format {
        guard case let .mapping(mapping)? = node else { return .topology }
        let keys = Set(mapping.keys.compactMap(\.string))
        if keys.contains("format_version") && (keys.contains("values") || keys.contains("planned_values")) {
            return .terraform
        }
        if keys.contains("Resources") || keys.contains("AWSTemplateFormatVersion") || keys.contains("Transform") {
            return .cloudFormation
        }
        return .topology
    }

    private static func importTemplate(_ url: URL, options: Options) throws -> Loaded {
        let session = ImportSession(
            region: options.region,
            accountId: options.accountId,
            parameters: options.parameters
        )
        let name = options.stackName ?? url.deletingPathExtension().lastPathComponent
        let root = try CloudFormationStack(file: url, name: name, prefix: "", given: [:], parent: nil, session: session)
        for key in options.parameters.keys where try root.parameter(key) == nil {
            throw ImportError(file: url.path, path: "Parameters", "--param \(key): the template has no such parameter")
        }
        let stacks = [root] + (try root.loadNestedStacks())
        var importer = CloudFormationImporter(session: session)
        try importer.importStacks(stacks)
        var (topology, unfinished) = importer.builder.build()
        for warning in unfinished { session.add(warning) }
        let note = try self.placeOperator(
            &topology,
            placements: importer.functionPlacements,
            options.operatorPlacement,
            file: url.path
        )
        self.setEnvironment(&topology, options.environment)
        try self.validate(topology, file: url.path)
        return Loaded(
            topology: topology,
            baseDirectory: url.deletingLastPathComponent(),
            format: .cloudFormation,
            warnings: session.warnings,
            operatorNote: note,
            file: url.path,
            functionSources: importer.builder.functionSources
        )
    }

    private static func setEnvironment(_ topology: inout Topology, _ environment: [String: String]) {
        guard !environment.isEmpty else { return }
        topology.functions = topology.functions?.map { function in
            var function = function
            function.environment = (function.environment ?? [:]).merging(environment) { $1 }
            return function
        }
    }

    private static func placeOperator(
        _ topology: inout Topology,
        placements: [(name: String, vpc: Topology.Function.VPC)],
        _ choice: OperatorPlacement,
        file: String
    ) throws -> String? {
        guard topology.network != nil else { return nil }
        switch choice {
        case .outside:
            topology.network?.operatorHost = .init()
            return "The operator host (this machine) is outside every VPC."
        case let .subnet(subnet, groups):
            topology.network?.operatorHost = .init(subnet: subnet, securityGroups: groups)
            return
                "The operator host (this machine) sits in \(subnet) with "
                + "\(groups.isEmpty ? "no security group" : groups.joined(separator: ", "))."
        case .firstFunction, .function:
            let wanted: String? = if case let .function(name) = choice { name } else { nil }
            guard let placement = placements.first(where: { wanted == nil || $0.name == wanted }) else {
                if let wanted {
                    throw ImportError(
                        file: file,
                        path: "--operator",
                        "no function named \(wanted) is attached to a VPC; the attached ones are "
                            + (placements.isEmpty ? "none" : placements.map(\.name).joined(separator: ", "))
                    )
                }
                topology.network?.operatorHost = .init()
                return
                    "No function is attached to a VPC, so the operator host (this machine) is outside every VPC; "
                    + "--operator SUBNET:SG,SG places it."
            }
            topology.network?.operatorHost = .init(
                subnet: placement.vpc.subnets.first,
                securityGroups: placement.vpc.securityGroups
            )
            return
                "The operator host (this machine) takes the network placement of function \(placement.name): "
                + "\(placement.vpc.subnets.first ?? "") with "
                + "\(placement.vpc.securityGroups.joined(separator: ", ")) (--operator FUNCTION, SUBNET:SG,SG or "
                + "outside changes it)."
        }
    }

    /// The imported topology checked as a written one would be, the error naming the import's file.
    private static func validate(_ topology: Topology, file: String) throws {
        do {
            try topology.validate()
        } catch {
            throw ImportError(file: file, path: "(imported topology) \(error.path)", error.reason)
        }
    }
}
