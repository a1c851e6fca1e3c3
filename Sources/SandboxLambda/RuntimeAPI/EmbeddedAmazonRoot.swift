import Foundation

/// A CA file shipped with a function's code that holds one of Amazon's roots, as seed code registers
/// `AmazonRootCA1.pem` for its driver's TLS configuration. In AWS that root signs RDS Proxy's certificate; in the
/// sandbox the proxy's CA signs it, so a TLS configuration built from the file alone fails the handshake. Found by the
/// certificates' names (the DER bytes of a subject carry "Amazon Root CA" as text), without parsing them.
public enum EmbeddedAmazonRoot {
    /// The PEM files a function names in `environment` (relative to its code `folder`, or absolute) that hold an
    /// Amazon root, then (with `shipped`) the ones at the top of `folder` that do, each once.
    public static func files(in folder: String?, environment: [String: String], shipped: Bool = true) -> [String] {
        let named = environment.keys.sorted().compactMap { key -> String? in
            guard let value = environment[key], value.lowercased().hasSuffix(".pem") else { return nil }
            return value.hasPrefix("/")
                ? value : folder.map { URL(fileURLWithPath: $0).appendingPathComponent(value).path }
        }
        let inFolder =
            folder.map { folder in
                ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().filter {
                    $0.lowercased().hasSuffix(".pem")
                }
                .map { URL(fileURLWithPath: folder).appendingPathComponent($0).path }
            } ?? []
        var seen = Set<String>()
        return (named + (shipped ? inFolder : [])).filter {
            seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.path).inserted && self.holdsAmazonRoot($0)
        }
    }

    /// What the log and `sandbox diagnose` say of `file` in `function`'s code.
    public static func explanation(function: String, file: String) -> String {
        "function \(function) ships \(URL(fileURLWithPath: file).lastPathComponent), which holds Amazon Root CA: "
            + "in AWS it verifies RDS Proxy's "
            + "certificate; in the sandbox the proxy's certificate chains to the sandbox's proxy CA, so a TLS "
            + "configuration built from that file "
            + "alone fails the handshake (x509: certificate signed by unknown authority). Read the CA file's path "
            + "from the environment and set it "
            + "to ${proxy-ca-bundle} in the topology (or the template's parameter), or trust the system store "
            + "(go-sql-driver tls=true, Node's and "
            + "Python's defaults), which the sandbox extends with its proxy CA"
    }

    /// Whether a PEM file (read up to 1 MiB) holds a certificate whose names include "Amazon Root CA".
    static func holdsAmazonRoot(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 1 << 20), let text = String(data: data, encoding: .utf8) else {
            return false
        }
        let marker = Data("Amazon Root CA".utf8)
        return text.components(separatedBy: "-----BEGIN CERTIFICATE-----").dropFirst().contains { block in
            let body = block.components(separatedBy: "-----END CERTIFICATE-----")[0].filter { !$0.isWhitespace }
            return Data(base64Encoded: body).map { $0.range(of: marker) != nil } ?? false
        }
    }
}
