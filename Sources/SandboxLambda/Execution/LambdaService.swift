import Foundation
import Logging
import SandboxAWSCore
import SandboxIAMPolicy
import SandboxLifecycle
import SandboxSigV4

/// The Lambda service of a sandbox: its functions, their warm instances, concurrency and timeouts. Invoke
/// assumes the execution role as lambda.amazonaws.com for each cold start and hands the function its session.
public actor LambdaService {
    /// Where a function's traffic leaves from: its ENI's loopback alias, or an address outside every VPC.
    public struct Placement: Sendable, Equatable {
        public var sourceAddress: String
        public var eniID: String?
        public var vpcID: String?
        public init(sourceAddress: String, eniID: String? = nil, vpcID: String? = nil) {
            self.sourceAddress = sourceAddress
            self.eniID = eniID
            self.vpcID = vpcID
        }
    }

    /// What the service needs from the sandbox around it.
    public struct Environment: Sendable {
        public var account: AccountState
        /// AWS_ENDPOINT_URL for functions.
        public var awsEndpoint: String
        public var targets: [String: DatabaseTarget]
        /// Places `function` in its VPC (attaching or replacing its ENI); errors name what to change.
        public var place: @Sendable (_ function: String, FunctionDefinition.VPCConfig?) throws(AWSError) -> Placement
        /// How process functions' names and ports are rewritten (nil: process functions cannot run).
        public var processNetwork: ProcessNetwork?
        /// Why a function leaving from `source` cannot reach AWS's `service` endpoint (no NAT gateway, no interface
        /// endpoint, an endpoint's security group); nil when it can.
        public var awsAccess: @Sendable (_ source: String, _ service: String) -> String?
        /// Whether the network resets denied connections (`sandbox diagnose`) instead of dropping them: then an AWS
        /// call `awsAccess` blocks fails at once instead of waiting until the function times out.
        public var deniedConnectionsReset: Bool
        /// Runs built-in SQL functions (`SandboxLambdaDatabase`'s `SQLFunction.run`); without one they fail with
        /// Runtime.Unavailable.
        public var sqlRunner: SQLFunction.Runner?
        /// The time of functions' timeouts and their runtimes' init timeout.
        public var clock: any SandboxClock
        public var logger: Logger

        public init(
            account: AccountState,
            awsEndpoint: String,
            targets: [String: DatabaseTarget],
            place: @escaping @Sendable (String, FunctionDefinition.VPCConfig?) throws(AWSError) -> Placement,
            processNetwork: ProcessNetwork? = nil,
            awsAccess: @escaping @Sendable (String, String) -> String? = { _, _ in nil },
            deniedConnectionsReset: Bool = false,
            sqlRunner: SQLFunction.Runner? = nil,
            clock: any SandboxClock = SystemClock(),
            logger: Logger
        ) {
            self.clock = clock
            self.awsAccess = awsAccess
            self.deniedConnectionsReset = deniedConnectionsReset
            self.sqlRunner = sqlRunner
            self.account = account
            self.awsEndpoint = awsEndpoint
            self.targets = targets
            self.place = place
            self.processNetwork = processNetwork
            self.logger = logger
        }
    }

    struct Warm: Sendable {
        var instance: any FunctionInstance
        var generation: Int
    }

    struct Slot: Sendable {
        var definition: FunctionDefinition
        var placement: Placement
        var idle: [Warm] = []
        var running = 0
        /// Bumped by every configuration change: older instances are not reused.
        var generation = 0
        var lastModified = Date()
        var recentLogs: [String] = []
        /// The resource-based policy's statements (AddPermission).
        var permissions: [Permission] = []
        /// `permissions` as the policy document evaluated on each invocation by a service.
        var resourcePolicy: PolicyDocument?
    }

    public static let maxPayload = 6 * 1024 * 1024
    public static let accountConcurrency = 1000

    var environment: Environment
    var slots: [String: Slot] = [:]
    /// Event (asynchronous) invocations, run by the service's `run()` and awaited when it stops.
    let eventInvocations = BackgroundWork()
    /// Process functions' Runtime API listeners, run by the service's `run()` until their instance stops.
    let runtimeAPIs = BackgroundWork()
    /// Instances running an invocation, stopped at shutdown.
    var busy: [Int: any FunctionInstance] = [:]
    var nextBusyID = 0
    /// Functions' timeouts.
    let deadlines: DeadlineTimer
    private var stopped = false

    public init(environment: Environment) {
        self.environment = environment
        self.deadlines = DeadlineTimer(clock: environment.clock)
    }

    /// Sets AWS_ENDPOINT_URL for instances started from now on (the endpoint starts after the service).
    public func setAWSEndpoint(_ url: String) { self.environment.awsEndpoint = url }

    public var region: String { self.environment.account.region }
    public var accountID: String { self.environment.account.accountID }

    public func arn(of name: String) -> String { "arn:aws:lambda:\(self.region):\(self.accountID):function:\(name)" }

    /// Adds a function (as CreateFunction does: the role must be one Lambda can assume).
    public func register(_ definition: FunctionDefinition) throws(AWSError) {
        guard self.slots[definition.name] == nil else {
            throw AWSError(.resourceConflictException, "Function already exist: \(definition.name)")
        }
        try self.checkRole(definition.roleARN)
        let placement = try self.environment.place(definition.name, definition.vpc)
        self.slots[definition.name] = Slot(definition: definition, placement: placement)
    }

    /// The function's name, from a name, an ARN or a partial ARN (`123456789012:function:name`).
    func slotName(_ reference: String) throws(AWSError) -> String {
        var name = reference
        if let range = name.range(of: ":function:") { name = String(name[range.upperBound...]) }
        if let colon = name.firstIndex(of: ":") { name = String(name[..<colon]) }
        guard self.slots[name] != nil else {
            throw AWSError.functionNotFound(self.arn(of: name))
        }
        return name
    }

    /// The definitions, by name.
    public var functions: [String: FunctionDefinition] { self.slots.mapValues(\.definition) }

    /// Where `name`'s traffic leaves from.
    public func placement(of name: String) -> Placement? { self.slots[name]?.placement }

    /// The latest log lines of every invocation of `name` (at most 500).
    public func logs(of name: String) -> [String] {
        Array((self.slots[name]?.recentLogs ?? []).suffix(Self.keptLogLines))
    }
    static let keptLogLines = 500

    /// How many warm environments of `name` could take an invoke now: idle and still alive (one whose process
    /// exited while idle no longer counts).
    /// Invocations under way, each with its timeout armed (a test advancing a `ManualClock` waits for this first).
    public var invocationsRunning: Int { self.busy.count }

    public func warmEnvironments(of name: String) -> Int {
        self.slots[name]?.idle.filter(\.instance.isUsable).count ?? 0
    }

    func checkRole(_ roleARN: String) throws(AWSError) {
        do throws(AWSError) {
            _ = try self.environment.account.serviceSession(
                role: roleARN,
                service: "lambda.amazonaws.com",
                session: "validation"
            )
        } catch {
            throw AWSError.roleCannotBeAssumed(error.message)
        }
    }

    /// Stops every instance (invocations in flight end as timed out) and refuses invocations from now on.
    public func shutdown() async {
        self.stopped = true
        for instance in self.busy.values { await instance.stop() }
        for name in self.slots.keys {
            let idle = self.slots[name]?.idle ?? []
            self.slots[name]?.idle = []
            for warm in idle { await warm.instance.stop() }
        }
    }

    var isStopped: Bool { self.stopped }
}
