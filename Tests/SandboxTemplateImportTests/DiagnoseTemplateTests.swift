import CloudSandbox
import Foundation
import SandboxTesting
import XCTest

@testable import SandboxScenarios

/// `sandbox diagnose` on a customer's template and code: nothing on the healthy SAM fixture, and the fault a
/// customer's own handler meets (its DATABASE_URL names the proxy and user, which no static check reads) found from
/// what the proxy decided while the route was called.
final class DiagnoseTemplateTests: XCTestCase {
    private static let catalog = TemplateImportTests.root.appendingPathComponent("Sandbox/misconfigurations").path

    func testDiagnoseCallsTheCustomersRouteAndNamesTheRefusalItsCodeMet() async throws {
        let loaded = try TopologySource.load(
            path: TemplateImportTests.sam,
            options: .init(parameters: ["DatabaseCABundle": "${proxy-ca-bundle}"])
        )
        let diagnosis = Diagnosis(catalog: try Catalog.load(folder: Self.catalog))
        let healthy = try await diagnosis.run(loaded.topology, baseDirectory: loaded.baseDirectory)
        XCTAssertEqual(healthy.findings.map(\.id), [], healthy.text)
        XCTAssertTrue(
            healthy.paths.contains { $0.path.hasPrefix("call ItemsApi GET /items") && $0.works },
            healthy.text
        )

        // The handler reads DATABASE_URL, and the role's rds-db:connect names an Aurora cluster's resource id, not the
        // proxy's.
        var topology = loaded.topology
        let index = try XCTUnwrap(topology.functions?.firstIndex { $0.name == "items-dev" })
        topology.functions?[index].environment = [
            "DATABASE_URL": "mysql://app@${proxy:items-proxy}:3306/items", "DB_CA_BUNDLE": "${proxy-ca-bundle}",
        ]
        topology.functions?[index].command = ["python3", "-m", "awslambdaric", "database_url.handler"]
        topology.functions?[index].workingDirectory =
            TemplateImportTests.root.appendingPathComponent("Fixtures/lambda/python").path
        let resourceID = try XCTUnwrap(topology.proxies?.first?.resourceId)
        let role = try XCTUnwrap(topology.iam?.roles?.firstIndex { $0.name.contains("ItemsFunctionRole") })
        for (name, document) in topology.iam?.roles?[role].policies ?? [:] {
            topology.iam?.roles?[role].policies?[name] = JSONText(
                document.text.replacingOccurrences(
                    of: "dbuser:\(resourceID)/",
                    with: "dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ/"
                )
            )
        }
        XCTAssertNil(topology.functions?[index].database, "no static check can see this function's database")
        let broken = try await diagnosis.run(topology, baseDirectory: loaded.baseDirectory)
        XCTAssertEqual(broken.findings.map(\.id), ["connect-names-instance-resource"], broken.text)
        let evidence = broken.findings.first?.evidence.joined(separator: "\n") ?? ""
        XCTAssertTrue(
            evidence.contains("items-proxy refused app while the paths were tried")
                && evidence.contains("dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ/app"),
            evidence
        )
        XCTAssertTrue(
            broken.findings.first?.subject.hasPrefix("function ") == true
                && broken.findings.first?.subject.hasSuffix("→ proxy items-proxy") == true,
            broken.findings.first?.subject ?? ""
        )

        // The ticket's report: the failing path marked in the picture, the finding, the paths, the refusals
        // (tools/diagnose-report.sh opens one in headless Chromium).
        let document = try DiagnosisDocument(
            source: "template.yaml",
            report: broken,
            topology: topology,
            warnings: loaded.warnings.map(\.description)
        )
        // The function's database is unknown to the model: the route's edge is marked.
        XCTAssertTrue(
            document.graph.paths.contains {
                $0.from == "api:ItemsApi" && $0.to == "items-dev" && $0.blocked?.hasPrefix("failed when tried") == true
            }
        )
        let html = document.html(svg: nil)
        for expected in [
            "<!DOCTYPE html>", "<code>connect-names-instance-resource</code>", "<td>FAIL</td>",
            "items-proxy refused app while the paths were tried",
            "&quot;api:ItemsApi&quot; -&gt; &quot;items-dev&quot; [color=&quot;#c0392b&quot;",
        ] {
            XCTAssertTrue(html.contains(expected), "the HTML report lacks \(expected)")
        }
        XCTAssertTrue(
            document.markdown.contains("### `connect-names-instance-resource`")
                && document.markdown.contains("```dot\ndigraph topology {"),
            document.markdown
        )
        let passwords = topology.instances.flatMap { $0.users.map(\.password) }.filter { $0.count >= 4 }
        XCTAssertFalse(passwords.isEmpty)
        for password in passwords {
            XCTAssertFalse(
                html.contains(password) || document.markdown.contains(password),
                "a password is in the report"
            )
        }
    }

    /// What a function printed or a client was told reaches a report only redacted: secret values and token signatures.
    func testReportsRedactSecretsAndTokens() {
        let leaky = DiagnosisReport(
            findings: [
                Finding(
                    id: "broken-path",
                    title: "t",
                    subject: "function f",
                    evidence: ["printed hunter2-Passw0rd"],
                    fix: "f"
                )
            ],
            paths: [
                PathResult(
                    path: "invoke f",
                    works: false,
                    observed: "host:3306/?Action=connect&DBUser=app&X-Amz-Signature=abcdef0123&X-Amz-Credential=AKIA/x"
                )
            ],
            notChecked: [],
            audit: ["login app refused: password hunter2-Passw0rd"]
        )
        let clean = leaky.redacting(["hunter2-Passw0rd"])
        let text = clean.text + clean.audit.joined()
        XCTAssertFalse(text.contains("hunter2") || text.contains("abcdef0123") || text.contains("AKIA/x"), text)
        XCTAssertTrue(text.contains("X-Amz-Signature=<redacted>") && text.contains("printed <redacted>"), text)
    }
}
