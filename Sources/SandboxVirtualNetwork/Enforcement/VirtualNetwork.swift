import Logging
import NIOConcurrencyHelpers
import NIOCore
import SandboxAudit

/// A running virtual network: the model with its attached ENIs, the faults in force, and the enforcement that
/// every protected listener runs on accept. Denied connections are logged with the analysis's explanation.
public final class VirtualNetwork: Sendable {
    /// A connection the network refused, as the enforcement log records it.
    public struct Denial: Sendable, Equatable {
        public var source: String
        public var destination: String
        public var port: Int
        public var explanations: [Reachability.Explanation]
    }

    private let state: NIOLockedValueBox<NetworkModel>
    private let denials = NIOLockedValueBox<[Denial]>([])
    /// Loopback aliases of things outside every VPC, by alias.
    private let outside = NIOLockedValueBox<[String: String]>([:])
    public let faults = FaultTable()
    private let logger: Logger
    /// How long a dropped connection is held silent before the sandbox lets it go (clients time out sooner).
    public let dropHoldLimit: TimeAmount

    public init(model: NetworkModel, dropHoldLimit: TimeAmount = .seconds(300), logger: Logger) {
        self.state = NIOLockedValueBox(model)
        self.dropHoldLimit = dropHoldLimit
        self.logger = logger
    }

    public var model: NetworkModel { self.state.withLockedValue { $0 } }

    /// Attaches an ENI (see `NetworkModel.attach`).
    public func attach(
        owner: String,
        subnet: String,
        securityGroups: [String],
        loopback: String,
        path: String
    ) throws(NetworkSpecError) -> ENI {
        let result: Result<ENI, NetworkSpecError> = self.state.withLockedValue { model in
            Result { () throws(NetworkSpecError) -> ENI in
                try model.attach(
                    owner: owner,
                    subnet: subnet,
                    securityGroups: securityGroups,
                    loopback: loopback,
                    path: path
                )
            }
        }
        return try result.get()
    }

    /// Replaces `owner`'s ENI (see `NetworkModel.reattach`): all or nothing.
    public func reattach(
        owner: String,
        subnet: String,
        securityGroups: [String],
        loopback: String,
        path: String
    ) throws(NetworkSpecError) -> ENI {
        let result: Result<ENI, NetworkSpecError> = self.state.withLockedValue { model in
            Result { () throws(NetworkSpecError) -> ENI in
                try model.reattach(
                    owner: owner,
                    subnet: subnet,
                    securityGroups: securityGroups,
                    loopback: loopback,
                    path: path
                )
            }
        }
        return try result.get()
    }

    /// Removes `owner`'s ENI.
    public func detach(owner: String) {
        self.state.withLockedValue { $0.detach(owner: owner) }
    }

    /// Marks a loopback alias as something running outside every VPC (a Lambda function without VpcConfig):
    /// it has no route to any ENI's private address. nil `owner` clears the mark.
    public func setOutsideVPC(_ loopback: String, owner: String?) {
        self.outside.withLockedValue { $0[loopback] = owner }
    }

    /// Whether a connection from `loopback` to `owner`'s ENI on `port` would be denied (nil: `owner` has no ENI).
    public func isDenied(from loopback: String, to owner: String, port: Int) -> Bool? {
        let model = self.model
        guard let destination = model.eni(owner: owner) else { return nil }
        let outsider = self.outside.withLockedValue { $0[loopback] }
        return !self.verdict(
            model,
            from: model.endpoint(forPeer: loopback),
            outsider: outsider,
            to: destination,
            port: port,
            sourcePort: PortRange.ephemeral.lower
        ).isReachable
    }

    /// The analysis, where something outside every VPC has no path at all.
    private func verdict(
        _ model: NetworkModel,
        from source: NetworkEndpoint,
        outsider: String?,
        to destination: ENI,
        port: Int,
        sourcePort: Int
    ) -> Reachability {
        var verdict = model.analyze(from: source, to: destination, port: port, sourcePort: sourcePort)
        if let outsider {
            verdict.explanations = [
                .init(
                    code: "NO_PATH",
                    direction: nil,
                    components: [outsider, destination.vpc],
                    text:
                        "\(outsider) runs outside every VPC: \(destination.owner)'s private address "
                        + "\(destination.privateIP) in \(destination.vpc) has no route from it; attach it to "
                        + "subnets of \(destination.vpc) (VpcConfig) with a security group "
                        + "\(destination.owner) admits"
                )
            ]
        }
        return verdict
    }

    /// The denied connections so far (the latest 1,000).
    public var deniedConnections: [Denial] { self.denials.withLockedValue { $0 } }

    /// Whether the interface with loopback alias `source` (outside every VPC when none has it) reaches AWS's
    /// `service` at `name`:443; a blocked call is logged as a denial, with why.
    public func awsAccess(from source: String, service: String, name: String) -> ServiceAccess {
        let model = self.model
        let eni = model.eni(loopback: source)
        let access = model.access(from: eni, toService: service, name: name)
        if case let .blocked(why) = access {
            self.denials.withLockedValue {
                $0.append(Denial(source: eni?.owner ?? source, destination: name, port: 443, explanations: why))
            }
            self.logger.decide(
                .connection,
                subject: "\(eni?.owner ?? source) → \(name):443",
                outcome: "denied",
                reason: why.map(\.description).joined(separator: " | "),
                level: .notice,
                "AWS call denied by the virtual network",
                metadata: ["net.source": "\(eni?.owner ?? source)", "net.destination": "\(name)"]
            )
        }
        return access
    }

    /// Who a peer `address` is in the VPC: the owner of the ENI it is the alias of, or the function outside every VPC
    /// it stands for; nil for the operator's own address.
    public func owner(ofPeer address: String) -> String? {
        if let outsider = self.outside.withLockedValue({ $0[address] }) { return outsider }
        return self.model.eni(loopback: address)?.owner
    }

    /// The check a listener owned by `owner` runs on every accepted connection: the path from the peer to the
    /// service's port in the VPC (3306 for MySQL, whatever port the listener really has here) must exist, else
    /// the connection is dropped (or reset); allowed connections get the path's toxics.
    /// Returns whether MySQL (or whatever serves the listener) may have the connection.
    public func admit(_ channel: any Channel, to owner: String, port: Int) throws -> Bool {
        let model = self.model
        guard let destination = model.eni(owner: owner) else { return true }
        let peer = channel.remoteAddress
        let source = model.endpoint(forPeer: peer?.ipAddress ?? "")
        let sourceName = if case let .eni(eni) = source { eni.owner } else { "operator" }
        if self.faults.isDown(owner) {
            try channel.pipeline.syncOperations.addHandler(DeniedConnectionHandler(reset: true, holdLimit: .zero))
            return false
        }
        let outsider = self.outside.withLockedValue { $0[peer?.ipAddress ?? ""] }
        let verdict = self.verdict(
            model,
            from: source,
            outsider: outsider,
            to: destination,
            port: port,
            sourcePort: peer?.port ?? PortRange.ephemeral.lower
        )
        guard verdict.isReachable else {
            let denial = Denial(
                source: outsider ?? sourceName,
                destination: owner,
                port: port,
                explanations: verdict.explanations
            )
            self.denials.withLockedValue {
                $0.append(denial)
                if $0.count > 1_000 { $0.removeFirst() }
            }
            let explanation = verdict.explanations.map(\.description).joined(separator: " | ")
            self.logger.decide(
                .connection,
                subject: "\(outsider ?? sourceName) → \(owner):\(port)",
                outcome: "denied",
                reason: explanation,
                level: .notice,
                "connection denied by the virtual network",
                metadata: [
                    "net.source": "\(source)", "net.destination": "\(owner)", "net.port": "\(port)",
                    "net.explanation": "\(explanation)",
                ]
            )
            try channel.pipeline.syncOperations.addHandler(
                DeniedConnectionHandler(reset: model.deniedConnections == .reset, holdLimit: self.dropHoldLimit)
            )
            return false
        }
        try channel.pipeline.syncOperations.addHandler(
            ToxicHandler(table: self.faults, source: sourceName, destination: owner)
        )
        self.logger.decide(
            .connection,
            subject: "\(outsider ?? sourceName) → \(owner):\(port)",
            outcome: "accepted",
            reason: verdict.explanations.map(\.description).joined(separator: " | "),
            "connection admitted by the virtual network"
        )
        return true
    }
}
