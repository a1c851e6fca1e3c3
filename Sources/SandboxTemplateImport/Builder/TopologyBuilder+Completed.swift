import SandboxTopology

/// What a resource names before the resource that completes it comes: a cluster's members (placed by its
/// subnet group), a proxy's target (from its target group), an API's routes.
extension TopologyBuilder {
    mutating func addSubnetGroup(_ name: String, subnets: [String]) { self.subnetGroups[name] = subnets }

    /// An instance's ENI sits in the first subnet of its subnet group.
    func firstSubnet(ofGroup name: String?) -> String? { name.flatMap { self.subnetGroups[$0]?.first } }

    mutating func addCluster(_ cluster: Topology.Cluster, subnetGroup: String?, securityGroups: [String]?) {
        if self.clusters[cluster.id] == nil { self.clusterOrder.append(cluster.id) }
        self.clusters[cluster.id] = (cluster, subnetGroup, securityGroups)
    }

    func hasCluster(_ id: String) -> Bool { self.clusters[id] != nil }

    /// A member of `cluster`, in the cluster's subnet group and security groups.
    mutating func addMember(_ id: String, to cluster: String) {
        guard var entry = self.clusters[cluster] else { return }
        entry.cluster.instances.append(
            .init(id: id, subnet: self.firstSubnet(ofGroup: entry.subnetGroup), securityGroups: entry.securityGroups)
        )
        self.clusters[cluster] = entry
    }

    /// A proxy whose target comes later; without one it is left out and `untargeted` says so.
    mutating func addProxy(_ proxy: Topology.Proxy, untargeted: ImportWarning) {
        if self.proxies[proxy.name] == nil { self.proxyOrder.append(proxy.name) }
        self.proxies[proxy.name] = (proxy, untargeted)
    }

    func hasProxy(_ name: String) -> Bool { self.proxies[name] != nil }

    mutating func changeProxy(_ name: String, _ change: (inout Topology.Proxy) -> Void) {
        guard var proxy = self.proxies[name]?.proxy else { return }
        change(&proxy)
        self.proxies[name]?.proxy = proxy
    }

    /// An HTTP API by its id; kept only if some route comes.
    mutating func addAPI(_ id: String, name: String) {
        guard self.apis[id] == nil else { return }
        self.apiOrder.append(id)
        self.apis[id] = Topology.API(name: name, routes: [])
    }

    func hasAPI(_ id: String) -> Bool { self.apis[id] != nil }

    /// A route of API `api`, from the resource (logical id or address) and type that declared it.
    mutating func addRoute(_ route: Topology.API.Route, to api: String, from resource: String, type: String) {
        guard self.apis[api] != nil else { return }
        self.apis[api]?.routes.append(route)
        self.routeOrigins["\(api) \(route.route)"] = (resource, type)
    }

    /// A function, from the resource (logical id or address) that declared it.
    mutating func addFunction(_ function: Topology.Function, from resource: String) {
        self.topology.functions = (self.topology.functions ?? []) + [function]
        self.functionSources[function.name] = resource
    }

    func completed(into topology: Topology) -> (Topology, [ImportWarning]) {
        var topology = topology
        var warnings: [ImportWarning] = []
        topology.clusters = self.clusterOrder.compactMap { self.clusters[$0]?.cluster }.nilIfEmpty
        topology.proxies =
            self.proxyOrder.compactMap { name -> Topology.Proxy? in
                guard let (proxy, untargeted) = self.proxies[name] else { return nil }
                guard !proxy.target.isEmpty else {
                    warnings.append(untargeted)
                    return nil
                }
                return proxy
            }.nilIfEmpty
        // A route to a function no stack defines is left out, and said: a client's path is missing.
        let functions = Set((topology.functions ?? []).map(\.name))
        topology.apis =
            self.apiOrder.compactMap { id -> Topology.API? in
                guard var api = self.apis[id] else { return nil }
                api.routes = api.routes.filter { route in
                    guard !functions.contains(route.function) else { return true }
                    let (resource, type) = self.routeOrigins["\(id) \(route.route)"] ?? (id, "route")
                    warnings.append(
                        ImportWarning(
                            resource: resource,
                            type: type,
                            "route \(route.route) targets function \(route.function), which no loaded stack "
                                + "or state defines; the route is left out (clients calling it get 404)",
                            breaksAPath: true
                        )
                    )
                    return false
                }
                return api
            }.filter { !$0.routes.isEmpty }.nilIfEmpty
        topology.secrets = topology.secrets?.map { secret in
            var secret = secret
            secret.kmsKey = secret.kmsKey.map(self.keyReference)
            return secret
        }
        return (topology, warnings)
    }
}
