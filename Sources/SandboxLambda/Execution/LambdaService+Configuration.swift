import Foundation
import SandboxAWSCore

/// GetFunctionConfiguration's document and the changes UpdateFunctionConfiguration / PutFunctionConcurrency make.
extension LambdaService {
    /// What UpdateFunctionConfiguration may change (nil: unchanged).
    public struct ConfigurationChange: Sendable {
        public var roleARN: String?
        public var timeout: Double?
        public var memorySize: Int?
        public var handler: String?
        public var environment: [String: String]?
        /// `.some(nil)` moves the function out of every VPC.
        public var vpc: FunctionDefinition.VPCConfig??
        public init(
            roleARN: String? = nil,
            timeout: Double? = nil,
            memorySize: Int? = nil,
            handler: String? = nil,
            environment: [String: String]? = nil,
            vpc: FunctionDefinition.VPCConfig?? = nil
        ) {
            self.roleARN = roleARN
            self.timeout = timeout
            self.memorySize = memorySize
            self.handler = handler
            self.environment = environment
            self.vpc = vpc
        }
    }

    public func configuration(of reference: String) throws(AWSError) -> JSONValue {
        let name = try self.slotName(reference)
        return self.document(self.slots[name]!)
    }

    /// Applies a change; warm instances are retired, so the next invoke starts with the new configuration.
    @discardableResult
    public func update(_ reference: String, _ change: ConfigurationChange) async throws(AWSError) -> JSONValue {
        let name = try self.slotName(reference)
        var slot = self.slots[name]!
        if let timeout = change.timeout {
            guard (1...900).contains(timeout) else {
                throw AWSError(
                    .validationException,
                    "1 validation error detected: Value '\(Int(timeout))' at 'timeout' failed to satisfy "
                        + "constraint: Member must have value "
                        + "\(timeout < 1 ? "greater than or equal to 1" : "less than or equal to 900")"
                )
            }
            slot.definition.timeout = timeout
        }
        if let memory = change.memorySize {
            guard (128...10_240).contains(memory) else {
                throw AWSError(
                    .validationException,
                    "1 validation error detected: Value '\(memory)' at 'memorySize' failed to satisfy constraint: "
                        + "Member must have value "
                        + "\(memory < 128 ? "greater than or equal to 128" : "less than or equal to 10240")"
                )
            }
            slot.definition.memorySize = memory
        }
        if let role = change.roleARN {
            try self.checkRole(role)
            slot.definition.roleARN = role
        }
        if let handler = change.handler { slot.definition.handler = handler }
        if let environment = change.environment { slot.definition.environment = environment }
        if let vpc = change.vpc {
            slot.placement = try self.environment.place(name, vpc)
            slot.definition.vpc = vpc
        }
        slot.generation += 1
        slot.lastModified = Date()
        let retired = slot.idle
        slot.idle = []
        self.slots[name] = slot
        for warm in retired { await warm.instance.stop() }
        return self.document(slot)
    }

    public func setReservedConcurrency(_ reference: String, _ value: Int?) throws(AWSError) {
        let name = try self.slotName(reference)
        if let value, !(0...Self.accountConcurrency).contains(value) {
            throw AWSError(
                .invalidParameterValueException,
                "Specified ReservedConcurrentExecutions for function decreases account's "
                    + "UnreservedConcurrentExecution below its minimum value of [0]."
            )
        }
        self.slots[name]?.definition.reservedConcurrency = value
    }

    public func reservedConcurrency(of reference: String) throws(AWSError) -> Int? {
        self.slots[try self.slotName(reference)]?.definition.reservedConcurrency
    }

    /// The names, sorted.
    public var names: [String] { self.slots.keys.sorted() }

    func document(_ slot: Slot) -> JSONValue {
        let definition = slot.definition
        var object: [String: JSONValue] = [
            "FunctionName": .string(definition.name), "FunctionArn": .string(self.arn(of: definition.name)),
            "Runtime": .string(definition.runtime), "Role": .string(definition.roleARN),
            "Handler": .string(definition.handler),
            "Timeout": .int(Int64(definition.timeout)), "MemorySize": .int(Int64(definition.memorySize)),
            "Version": "$LATEST",
            "LastModified": .string(Self.lastModified(slot.lastModified)), "CodeSize": 0,
            "CodeSha256": .string(definition.code.kind),
            "Description": .string("\(definition.code.kind) function"), "State": "Active",
            "LastUpdateStatus": "Successful",
            "PackageType": "Zip", "Architectures": ["x86_64"],
            "Environment": ["Variables": .object(definition.environment.mapValues(JSONValue.string))],
        ]
        if let vpc = definition.vpc {
            object["VpcConfig"] = [
                "SubnetIds": .array(vpc.subnetIDs.map(JSONValue.string)),
                "SecurityGroupIds": .array(vpc.securityGroupIDs.map(JSONValue.string)),
                "VpcId": .string(slot.placement.vpcID ?? ""),
            ]
        }
        return .object(object)
    }

    private static func lastModified(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS+0000"
        return formatter.string(from: date)
    }
}
