import Foundation

/// The DNS server the VPC's resolver asks for names the sandbox does not hold (`network.dnsForwarder`): a loopback
/// IPv4 address and port, or `system`, this machine's first IPv4 nameserver in /etc/resolv.conf when that is on
/// loopback (systemd-resolved's 127.0.0.53, a local dnsmasq). The resolver sends from its own loopback address, and
/// Linux routes no packet from a loopback source to another network.
public struct DNSForwarder: Sendable, Equatable {
    public var host: String
    public var port: Int

    /// Parses `text`; errors name `path` and what to write instead.
    public init(_ text: String, path: String, resolvConf: String = "/etc/resolv.conf") throws(NetworkSpecError) {
        if text == "system" {
            let lines = ((try? String(contentsOfFile: resolvConf, encoding: .utf8)) ?? "").split(separator: "\n")
            let servers = lines.compactMap { line -> String? in
                let words = line.split(whereSeparator: \.isWhitespace)
                return words.count >= 2 && words[0] == "nameserver" && IPv4Address(String(words[1])) != nil
                    ? String(words[1]) : nil
            }
            guard let first = servers.first else {
                throw NetworkSpecError(
                    path: path,
                    "'system' names this machine's nameserver, and \(resolvConf) lists no IPv4 nameserver; give "
                        + "one as \"a.b.c.d:53\""
                )
            }
            try Self.requireLoopback(first, said: "'system' is \(first) (\(resolvConf))", path: path)
            (self.host, self.port) = (first, 53)
            return
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, IPv4Address(String(parts[0])) != nil, let port = Int(parts[1]),
            (1...65_535).contains(port)
        else {
            throw NetworkSpecError(
                path: path,
                "'\(text)' is not a DNS server; write \"a.b.c.d:port\" (an IPv4 address and port), or system"
            )
        }
        try Self.requireLoopback(String(parts[0]), said: "'\(text)' is", path: path)
        (self.host, self.port) = (String(parts[0]), port)
    }

    /// The resolver sends from a loopback address, so its upstream must be on loopback too.
    private static func requireLoopback(_ host: String, said: String, path: String) throws(NetworkSpecError) {
        guard !host.hasPrefix("127.") else { return }
        throw NetworkSpecError(
            path: path,
            "\(said) not on loopback: the sandbox's resolver sends from a loopback address, which cannot reach it; "
                + "run a local forwarder (systemd-resolved, dnsmasq) and name it, as \"127.0.0.53:53\""
        )
    }
}
