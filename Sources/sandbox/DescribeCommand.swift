import ArgumentParser
import CloudSandbox
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `sandbox describe [proxies|targets|secrets|roles|security-groups|functions|apis] [--json]`: what a running sandbox
/// holds, with its proxies' target health, from its control API.
struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Describe a running sandbox's proxies (with target health), secrets, roles, security groups, functions and APIs.")

    static let sections = ["proxies": "proxies", "targets": "targets", "secrets": "secrets", "roles": "roles", "security-groups": "securityGroups",
                           "functions": "functions", "apis": "apis"]

    @Argument(help: "Only this: proxies, targets, secrets, roles, security-groups, functions or apis.") var what: String?
    @Flag(help: "JSON, by section and name.") var json = false
    @OptionGroup var sandbox: RunningSandbox

    func run() async throws {
        if let what, Self.sections[what] == nil {
            throw ValidationError("'\(what)' is not something to describe; use one of \(Self.sections.keys.sorted().joined(separator: ", "))")
        }
        let base = try self.sandbox.awsEndpoint()
        let (data, _) = try await URLSession.shared.data(from: URL(string: base + "/sandbox/describe")!)
        guard var all = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw ValidationError("unexpected answer: \(String(decoding: data, as: UTF8.self))") }
        if let what, let key = Self.sections[what] { all = [key: all[key] ?? [:]] }
        if self.json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: all, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]), as: UTF8.self))
            return
        }
        if self.what == "targets", let targets = all["targets"] as? [String: [[String: Any]]] {
            for (proxy, list) in targets.sorted(by: { $0.key < $1.key }) {
                for target in list {
                    print("\(proxy) → \(target["instance"] ?? ""): \(target["state"] ?? "")" + (target["reason"].map { " (\($0))" } ?? "")
                          + (target["description"].map { " \($0)" } ?? ""))
                }
            }
            return
        }
        for key in ["proxies", "secrets", "roles", "securityGroups", "functions", "apis"] {
            guard let section = all[key] as? [String: Any] else { continue }
            print("\(key):")
            for name in section.keys.sorted() {
                print("  \(name)")
                for line in Self.lines(section[name]) { print("    \(line)") }
            }
        }
    }

    /// `key: value` lines, nested values flattened (a target's health on one line).
    static func lines(_ value: Any?) -> [String] {
        guard let object = value as? [String: Any] else { return [] }
        return object.keys.sorted().map { key in
            let item = object[key]
            if let list = item as? [Any] {
                return "\(key): " + list.map { element in
                    guard let entry = element as? [String: Any] else { return "\(element)" }
                    return entry.keys.sorted().map { "\($0)=\(entry[$0] ?? "")" }.joined(separator: " ")
                }.joined(separator: "; ")
            }
            if key == "requireTLS" { return "\(key): \((item as? Bool) == true)" }
            return "\(key): \(item ?? "")"
        }
    }
}
