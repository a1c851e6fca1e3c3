import CloudSandbox
import Foundation
import SandboxTemplateImport
import SandboxTesting
import XCTest
import Yams

/// Every catalog entry that can live in a template has a form of it: its edits of the healthy SAM stack
/// (Sandbox/templates/orders, a Python function as customers write it). `sandbox diagnose` finds nothing on the base
/// and each form's own fault on it — with the customer's code run.
final class CatalogTemplateFormTests: XCTestCase {
    private static let catalog = TemplateImportTests.root.appendingPathComponent("Sandbox/misconfigurations").path

    /// The base template with `edits`, written beside it (its CodeUri is relative), loaded and diagnosed.
    private static func diagnose(
        _ edits: [TopologyEdit],
        base: String,
        diagnosis: Diagnosis
    ) async throws -> DiagnosisReport {
        var node = try XCTUnwrap(try Yams.compose(yaml: String(contentsOfFile: base, encoding: .utf8)))
        for edit in edits { node = try edit.applied(to: node) }
        let file = URL(fileURLWithPath: base).deletingLastPathComponent().appendingPathComponent(
            ".form-\(UUID().uuidString.prefix(8)).yaml"
        ).path
        try TaggedYAML.flowText(node).write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let loaded = try TopologySource.load(path: file, options: .init(stackName: "orders"))
        return try await diagnosis.run(loaded)
    }

    func testDiagnoseFindsEachTemplateFormsFaultAndNothingOnTheHealthyBase() async throws {
        let catalog = try Catalog.load(folder: Self.catalog)
        let diagnosis = Diagnosis(catalog: catalog)
        let forms = catalog.entries.filter { $0.templateForm != nil }
        let base = try XCTUnwrap(forms.first?.templateForm?.base)
        let healthy = try await Self.diagnose([], base: base, diagnosis: diagnosis)
        XCTAssertEqual(healthy.findings.map(\.id), [], healthy.text)
        XCTAssertTrue(!healthy.paths.isEmpty && healthy.paths.allSatisfy(\.works), healthy.text)

        // Four at a time: each runs a sandbox of its own.
        let found = try await withThrowingTaskGroup(of: (String, [String], String).self) { group in
            var results: [(String, [String], String)] = []
            for (index, entry) in forms.enumerated() {
                if index >= 4, let done = try await group.next() { results.append(done) }
                group.addTask {
                    let report = try await Self.diagnose(
                        entry.templateForm!.breaks,
                        base: entry.templateForm!.base,
                        diagnosis: diagnosis
                    )
                    return (entry.id, report.ids, report.text)
                }
            }
            for try await done in group { results.append(done) }
            return results
        }
        for (id, ids, text) in found.sorted(by: { $0.0 < $1.0 }) {
            XCTAssertTrue(ids.contains(id), "the template form of \(id) is diagnosed as \(ids):\n\(text)")
        }
        let diagnosable = catalog.entries.filter { $0.undiagnosable == nil && $0.noTemplateForm == nil }
        print(
            "template forms: \(forms.count) of \(diagnosable.count) diagnosable entries (\(catalog.entries.count) "
                + "in the catalog); "
                + "each found: \(found.filter { $0.1.contains($0.0) }.count); healthy base: "
                + "\(healthy.findings.count) findings, \(healthy.paths.count) paths ok"
        )
        XCTAssertEqual(
            forms.count,
            diagnosable.count,
            "every diagnosable entry has a template form: "
                + "\(Set(diagnosable.map(\.id)).subtracting(forms.map(\.id)).sorted())"
        )
    }

    /// A template that names code that is not there, a handler module that does not import and a route to a function
    /// no stack defines: each a finding naming the resource and the file, and the rest still diagnosed.
    func testABrokenTemplateIsReportedAsFindingsAndTheRestIsDiagnosed() async throws {
        let base = TemplateImportTests.root.appendingPathComponent("Sandbox/templates/orders/template.yaml").path
        let report = try await Self.diagnose(
            [
                TopologyEdit(.set, "Resources.OrdersFunction.Properties.Handler", value: "nosuch.handler"),
                TopologyEdit(
                    .set,
                    "Resources.ReportsFunction",
                    value: """
                        {Type: "AWS::Serverless::Function", Properties: {FunctionName: reports, CodeUri: reports/, \
                        Handler: app.handler, Runtime: python3.12,
                         Events: {Reports: {Type: HttpApi, Properties: {ApiId: {Ref: OrdersApi}, Method: GET, \
                        Path: /reports}}}}}
                        """
                ),
                TopologyEdit(
                    .set,
                    "Resources.LegacyIntegration",
                    value: """
                        {Type: "AWS::ApiGatewayV2::Integration", Properties: {ApiId: {Ref: OrdersApi}, \
                        IntegrationType: AWS_PROXY, PayloadFormatVersion: "2.0",
                         IntegrationUri: {"Fn::Sub": \
                        "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:orders-legacy"}}}
                        """
                ),
                TopologyEdit(
                    .set,
                    "Resources.LegacyRoute",
                    value: """
                        {Type: "AWS::ApiGatewayV2::Route", Properties: {ApiId: {Ref: OrdersApi}, RouteKey: GET \
                        /legacy, Target: {"Fn::Sub": "integrations/${LegacyIntegration}"}}}
                        """
                ),
            ],
            base: base,
            diagnosis: Diagnosis(catalog: try Catalog.load(folder: Self.catalog))
        )
        let found = report.findings.map { finding in
            let subject = finding.subject.replacingOccurrences(
                of: #"\.form-[A-Z0-9]{8}"#,
                with: "FORM",
                options: .regularExpression
            )
            return "\(finding.id) \(subject)"
        }
        XCTAssertEqual(
            found.map {
                $0.replacingOccurrences(of: URL(fileURLWithPath: base).deletingLastPathComponent().path + "/", with: "")
            },
            [
                "template-broken-reference LegacyRoute (AWS::ApiGatewayV2::Route) in FORM.yaml",
                "handler-does-not-import function orders (OrdersFunction in FORM.yaml)",
                "function-code-missing function reports (ReportsFunction in FORM.yaml)",
            ],
            report.text
        )
        XCTAssertTrue(report.findings[1].evidence.joined().contains("No module named 'nosuch'"), report.text)
        XCTAssertTrue(
            report.findings[2].evidence.joined().contains("its code (reports/) is not a local folder"),
            report.text
        )
        XCTAssertTrue(
            report.paths.contains { $0.path.hasPrefix("target health of orders-proxy") && $0.works },
            "the rest is still tried: \(report.text)"
        )
    }
}
