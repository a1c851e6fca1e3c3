import SandboxVirtualNetwork

/// Where everything of a topology sits in its virtual network: the one order in which ENIs are attached
/// (database instances, then hosts), shared by the running sandbox and the static `sandbox reach`.
public enum NetworkPlan {
    /// The loopback host number (in the sandbox's /24) of the `n`th interface: databases, then hosts, then proxies,
    /// then functions (whether in a VPC or not), then APIs, then proxy endpoints.
    package static func hostNumber(_ n: Int) throws(TopologyError) -> Int {
        guard 10 + n <= 254 else {
            throw TopologyError(
                path: "network",
                "a sandbox's /24 of loopback aliases holds 245 interfaces and this topology needs more; split it"
            )
        }
        return 10 + n
    }

    /// The network model with every ENI attached (nil without a network); `loopback` gives each ENI's alias
    /// from its host number (nil in a static analysis).
    public static func model(for topology: Topology, loopback: (Int) -> String?) throws(TopologyError) -> NetworkModel?
    {
        guard let spec = topology.network else {
            for (path, database) in topology.placedInstances
            where database.subnet != nil || database.securityGroups != nil {
                throw TopologyError(
                    path: "\(path).subnet",
                    "names a subnet but the topology has no network; add network.vpcs or drop it"
                )
            }
            for (index, proxy) in (topology.proxies ?? []).enumerated()
            where proxy.subnets != nil || proxy.securityGroups != nil {
                throw TopologyError(
                    path: "proxies[\(index)].subnets",
                    "names subnets but the topology has no network; add network.vpcs or drop them"
                )
            }
            for (path, _, endpoint) in topology.placedProxyEndpoints
            where endpoint.subnets != nil || endpoint.securityGroups != nil {
                throw TopologyError(
                    path: "\(path).subnets",
                    "names subnets but the topology has no network; add network.vpcs or drop them"
                )
            }
            for (index, function) in (topology.functions ?? []).enumerated() where function.vpc != nil {
                throw TopologyError(
                    path: "functions[\(index)].vpc",
                    "names subnets but the topology has no network; add network.vpcs or drop it"
                )
            }
            return nil
        }
        do throws(NetworkSpecError) {
            var model = try NetworkModel(spec)
            for (index, (path, database)) in topology.placedInstances.enumerated() where database.external == nil {
                guard let subnet = database.subnet else {
                    throw NetworkSpecError(
                        path: "\(path).subnet",
                        "is missing: with a network, every instance sits in a subnet"
                    )
                }
                _ = try model.attach(
                    owner: database.id,
                    subnet: subnet,
                    securityGroups: database.securityGroups ?? [],
                    loopback: loopback(try Self.host(index)),
                    path: path
                )
            }
            for (index, host) in (spec.hosts ?? []).enumerated() {
                guard model.eni(owner: host.id) == nil else {
                    throw NetworkSpecError(path: "network.hosts[\(index)].id", "'\(host.id)' is already taken")
                }
                _ = try model.attach(
                    owner: host.id,
                    subnet: host.subnet,
                    securityGroups: host.securityGroups,
                    loopback: loopback(try Self.host(topology.instances.count + index)),
                    path: "network.hosts[\(index)]"
                )
            }
            let before = topology.instances.count + (spec.hosts ?? []).count
            for (index, proxy) in (topology.proxies ?? []).enumerated() {
                guard let subnet = proxy.subnets?.first else {
                    throw NetworkSpecError(
                        path: "proxies[\(index)].subnets",
                        "is missing: with a network, a proxy needs subnets for its ENIs"
                    )
                }
                guard model.eni(owner: proxy.name) == nil else {
                    throw NetworkSpecError(path: "proxies[\(index)].name", "'\(proxy.name)' is already taken")
                }
                _ = try model.attach(
                    owner: proxy.name,
                    subnet: subnet,
                    securityGroups: proxy.securityGroups ?? [],
                    loopback: loopback(try Self.host(before + index)),
                    path: "proxies[\(index)]"
                )
            }
            let functionsStart = before + (topology.proxies ?? []).count
            for (index, function) in (topology.functions ?? []).enumerated() {
                guard let vpc = function.vpc else { continue }
                guard model.eni(owner: function.name) == nil else {
                    throw NetworkSpecError(path: "functions[\(index)].name", "'\(function.name)' is already taken")
                }
                _ = try model.attach(
                    owner: function.name,
                    subnet: vpc.subnets[0],
                    securityGroups: vpc.securityGroups,
                    loopback: loopback(try Self.host(functionsStart + index)),
                    path: "functions[\(index)].vpc"
                )
            }
            for (index, (path, proxy, endpoint)) in topology.placedProxyEndpoints.enumerated() {
                // The proxy's subnets and groups unless the endpoint names its own (CreateDBProxyEndpoint's defaults).
                guard let subnet = endpoint.subnets?.first ?? proxy.subnets?.first else {
                    throw NetworkSpecError(
                        path: "\(path).subnets",
                        "is missing: with a network, an endpoint needs subnets for its ENIs"
                    )
                }
                guard model.eni(owner: endpoint.name) == nil else {
                    throw NetworkSpecError(path: "\(path).name", "'\(endpoint.name)' is already taken")
                }
                _ = try model.attach(
                    owner: endpoint.name,
                    subnet: subnet,
                    securityGroups: endpoint.securityGroups ?? proxy.securityGroups ?? [],
                    loopback: loopback(try Self.host(try Self.proxyEndpointIndex(topology, index))),
                    path: path
                )
            }
            return model
        } catch {
            throw TopologyError(path: error.path, error.reason)
        }
    }

    /// The host number of function `index`'s alias, and of API `index`'s listener.
    package static func functionHost(_ topology: Topology, _ index: Int) throws(TopologyError) -> Int {
        try Self.hostNumber(
            topology.instances.count + (topology.network?.hosts ?? []).count + (topology.proxies ?? []).count + index
        )
    }

    package static func apiHost(_ topology: Topology, _ index: Int) throws(TopologyError) -> Int {
        try Self.functionHost(topology, (topology.functions ?? []).count + index)
    }

    /// The host number of proxy endpoint `index` (of `placedProxyEndpoints`): after the APIs, so that adding an
    /// endpoint moves no other address.
    package static func proxyEndpointHost(_ topology: Topology, _ index: Int) throws(TopologyError) -> Int {
        try Self.hostNumber(Self.proxyEndpointIndex(topology, index))
    }

    /// The interface number of proxy endpoint `index`, before `hostNumber` turns it into a host number.
    private static func proxyEndpointIndex(_ topology: Topology, _ index: Int) -> Int {
        topology.instances.count + (topology.network?.hosts ?? []).count + (topology.proxies ?? []).count
            + (topology.functions ?? []).count
            + (topology.apis ?? []).count + index
    }

    /// `hostNumber` as a network error, inside the attaching loop.
    private static func host(_ n: Int) throws(NetworkSpecError) -> Int {
        do throws(TopologyError) { return try Self.hostNumber(n) } catch {
            throw NetworkSpecError(path: error.path, error.reason)
        }
    }

    /// The analysis from `source` (an ENI owner or `operator`) to `destination`'s ENI; nil when either is unknown.
    public static func analyze(
        _ model: NetworkModel,
        from source: String,
        to destination: String,
        port: Int
    ) -> Reachability? {
        guard let target = model.eni(owner: destination) else { return nil }
        let origin: NetworkEndpoint
        if source == "operator" {
            origin = model.operatorENI.map { .eni($0) } ?? .outside(model.operatorPublicAddress)
        } else {
            guard let eni = model.eni(owner: source) else { return nil }
            origin = .eni(eni)
        }
        return model.analyze(from: origin, to: target, port: port)
    }
}
