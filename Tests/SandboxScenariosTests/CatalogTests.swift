import CloudSandbox
import SandboxScenarios
import SandboxTesting
import XCTest

/// Every entry of Sandbox/misconfigurations: the symptom appears on the broken topology, the explanation names the
/// cause, the fix turns the probe green. A new entry needs no Swift: it is a file in the folder.
final class CatalogTests: XCTestCase {
    static let folder = "Sandbox/misconfigurations"

    func testEveryEntryShowsItsSymptomExplainsItAndIsFixed() async throws {
        let catalog = try Catalog.load(folder: Self.folder)
        XCTAssertGreaterThanOrEqual(catalog.entries.count, 10)
        let reports = try await ScenarioRunner().runAll(catalog.entries, parallel: 4)
        for report in reports where !report.passed {
            XCTFail("\(report.id):\n" + report.failures.joined(separator: "\n"))
        }
    }

    /// Diagnose finds exactly each entry's fault in its broken topology, and nothing in the healthy default ones.
    func testDiagnoseFindsExactlyTheKnownFaults() async throws {
        let catalog = try Catalog.load(folder: Self.folder)
        let diagnosis = Diagnosis(catalog: catalog)
        let (healthy, base) = try TopologyLoader.load(path: "Sandbox/default.yaml")
        let clean = try await diagnosis.run(healthy, baseDirectory: base)
        XCTAssertEqual(clean.findings, [], clean.text)
        XCTAssertFalse(clean.isBroken, clean.text)
        let (postgres, postgresBase) = try TopologyLoader.load(path: "Sandbox/postgres.yaml")
        let cleanPostgres = try await diagnosis.run(postgres, baseDirectory: postgresBase)
        XCTAssertEqual(
            cleanPostgres.findings,
            [],
            "the PostgreSQL stack's paths are checked on 5432: \(cleanPostgres.text)"
        )
        let diagnosable = catalog.entries.filter { $0.undiagnosable == nil }
        XCTAssertGreaterThanOrEqual(diagnosable.count, 12)
        for entry in diagnosable {
            let topologies = try entry.topologies()
            let started = Date()
            let report = try await diagnosis.run(topologies.broken, baseDirectory: topologies.baseDirectory)
            print("diagnose \(entry.id): \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            XCTAssertEqual(report.ids, [entry.id], "\(entry.id):\n\(report.text)")
            XCTAssertTrue(report.isBroken, entry.id)
        }
    }

    /// docs/misconfigurations.md is the catalog's Markdown: regenerate it with `sandbox scenario docs`.
    func testTheDocsPageIsTheCatalog() throws {
        let page = try String(contentsOfFile: "docs/misconfigurations.md", encoding: .utf8)
        XCTAssertEqual(
            page,
            try Catalog.load(folder: Self.folder).markdown,
            "docs/misconfigurations.md is stale: run `swift run sandbox scenario docs > docs/misconfigurations.md`"
        )
    }

    func testBadCatalogFilesNameTheFileAndLine() throws {
        let base = FileManager.default.currentDirectoryPath + "/Sandbox/default.yaml"
        let good =
            "id: x\ntitle: t\ncustomerSees: s\nbase: \(base)\nprobe: {invoke: items-iam}\nsymptom: {contains: "
            + "[x]}\nfixText: f\n"
        let cases: [(String, Int?, String)] = [
            ("id: x\ntitel: t\n", 2, "titel is not a key of the entry; did you mean title?"),
            (good, 1, "an entry has a fix (edits of the topology) or a fixedProbe"),
            (
                good + "fix:\n  - set: proxies[nope].role\n    value: r\n", 9,
                "fix: set proxies[nope].role: no element nope; there are app-proxy"
            ),
            (
                good + "fix:\n  - set: databasez\n    value: []\n", nil,
                "databasez: is not a key of the topology; did you mean databases?"
            ),
            (
                good
                    + "break:\n  - remove: apis\n  - remove: functions[items-iam]\nfix:\n  - set: region\n    "
                    + "value: us-east-1\n",
                nil, "probe names an unknown function items-iam"
            ),
            (good + "fix:\n  - set: region\n", 9, "set needs a value"),
            (
                good.replacingOccurrences(of: "{invoke: items-iam}", with: "{invoke: items-iam, targetHealth: p}")
                    + "fixedProbe: {invoke: x}\n", 5,
                "probe has exactly one of invoke, call, connect, targetHealth, reach"
            ),
            ("id: [unclosed\n", nil, "is not valid YAML"),
        ]
        for (text, line, reason) in cases {
            XCTAssertThrowsError(try CatalogEntry.parse(text, file: "x.yaml").topologies(), reason) { error in
                guard let error = error as? CatalogError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.file, "x.yaml")
                XCTAssertEqual(error.line, line, "\(error)")
                XCTAssertTrue(error.reason.contains(reason), "\(error)")
            }
        }
    }
}
