/// How a process function's sockets are steered, by the preload library (`libSandboxPreload.so`, interposing
/// getaddrinfo and connect): the sandbox's DNS names resolve to their loopback aliases, a proxy's or instance's
/// port 3306 becomes the port it really listens on, and every connection leaves from the function's address.
/// Programs that bypass libc (Go makes its own connect; static Go resolves names itself) are steered the same way by
/// the launcher they run under, whose DNS queries go to the sandbox's responder.
public struct ProcessNetwork: Sendable {
    /// The preload library, found or built on first use; while it is unavailable, process functions fail to
    /// start with the reason.
    public var preload: @Sendable () -> PreloadLibrary
    /// DNS name → loopback address.
    public var hosts: [String: String]
    /// A file of `name=address` lines the sandbox rewrites as answers change (cluster endpoints after failover), read
    /// on every lookup before `hosts`.
    public var hostsFile: String?
    /// `address:virtual port` → the port it listens on.
    public var ports: [String: Int]
    /// Where each instance's Runtime API listens.
    public var runtimeAPIHost: String
    /// `address:port` where connection attempts go unanswered (SYNs dropped), and the `address:virtual port`s
    /// a source may not reach: the library sends those there after a probe lets the listener log the denial,
    /// so the client's own connect timeout fires as it would against a security group.
    public var blackHole: String?
    public var dropped: @Sendable (_ source: String) -> [String]
    /// Variables that set what the process trusts as its system's certificate store (`SSL_CERT_FILE`,
    /// `NODE_EXTRA_CA_CERTS`, ...); the function's own environment wins over them.
    public var trust: [String: String]
    /// The launcher that supervises `connect` for programs that bypass libc, found or built on first use.
    public var launcher: @Sendable () -> ProcessLauncher
    /// `address:port` of the sandbox's DNS responder, where the launcher sends DNS queries.
    public var dns: String?

    public init(
        preload: @escaping @Sendable () -> PreloadLibrary = { PreloadLibrary.shared },
        hosts: [String: String],
        hostsFile: String? = nil,
        ports: [String: Int],
        runtimeAPIHost: String,
        blackHole: String? = nil,
        dropped: @escaping @Sendable (String) -> [String] = { _ in [] },
        trust: [String: String] = [:],
        launcher: @escaping @Sendable () -> ProcessLauncher = { ProcessLauncher.shared },
        dns: String? = nil
    ) {
        self.preload = preload
        self.launcher = launcher
        self.dns = dns
        self.hosts = hosts
        self.hostsFile = hostsFile
        self.ports = ports
        self.runtimeAPIHost = runtimeAPIHost
        self.blackHole = blackHole
        self.dropped = dropped
        self.trust = trust
    }

    /// The variables the preload library and the launcher read.
    func variables(source: String?) -> [String: String] {
        var variables = [
            "CLOUDSANDBOX_HOSTS": self.hosts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                separator: ","
            ),
            "CLOUDSANDBOX_PORTS": self.ports.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                separator: ","
            ),
        ]
        if let blackHole, let source {
            variables["CLOUDSANDBOX_BLACKHOLE"] = blackHole
            variables["CLOUDSANDBOX_DROPPED"] = self.dropped(source).sorted().joined(separator: ",")
        }
        if let source { variables["CLOUDSANDBOX_SOURCE"] = source }
        if let hostsFile { variables["CLOUDSANDBOX_HOSTS_FILE"] = hostsFile }
        if let dns { variables["CLOUDSANDBOX_DNS"] = dns }
        if let library = self.preload().path { variables["LD_PRELOAD"] = library }
        return variables
    }
}
