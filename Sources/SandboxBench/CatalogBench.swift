import Foundation
import SandboxTesting

/// The misconfiguration catalog: each entry's time alone (broken sandbox, probe, explanation, fixed sandbox,
/// probe), then the whole catalog's wall time at 1, 2, 4 and 8 entries side by side, with the speed-up over one
/// at a time; and `sandbox diagnose` on each diagnosable entry's broken topology.
enum CatalogBench {
    static func run() async throws {
        let catalog = try Catalog.load(folder: "Sandbox/misconfigurations")
        let runner = ScenarioRunner()
        var report = Report(["catalog entry", "holds", "seconds"])
        var total = 0.0
        for entry in catalog.entries {
            let result = try await runner.run(entry)
            total += result.seconds
            report.add([entry.id, result.passed ? "yes" : "NO", format(result.seconds)])
        }
        report.print()
        print(
            "\n\(catalog.entries.count) entries one at a time: \(format(total)) s in all, "
                + "\(format(total / Double(max(1, catalog.entries.count)))) s per entry on average"
        )
        var parallel = Report(["entries at once", "wall s", "speed-up over 1 at a time", "all hold"])
        var one: Double?
        for width in [1, 2, 4, 8] {
            let started = Date()
            let reports = try await runner.runAll(catalog.entries, parallel: width)
            let wall = Date().timeIntervalSince(started)
            one = one ?? wall
            parallel.add([
                String(width), format(wall), format(one.map { $0 / wall }), reports.allSatisfy(\.passed) ? "yes" : "NO",
            ])
        }
        print()
        parallel.print()
        let diagnosis = Diagnosis(catalog: catalog)
        var seconds: [Double] = []
        for entry in catalog.entries where entry.undiagnosable == nil {
            let topologies = try entry.topologies()
            let started = Date()
            let found = try await diagnosis.run(topologies.broken, baseDirectory: topologies.baseDirectory)
            seconds.append(Date().timeIntervalSince(started))
            if found.ids != [entry.id] { print("diagnose \(entry.id): found \(found.ids)") }
        }
        print(
            "\nsandbox diagnose on \(seconds.count) broken topologies: median \(format(Measure.median(seconds))) "
                + "s, slowest \(format(seconds.max())) s"
        )
    }
}
