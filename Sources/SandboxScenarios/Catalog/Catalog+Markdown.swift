import Foundation

extension Catalog {
    /// The catalog as one Markdown page (`docs/misconfigurations.md`): an index, then per entry what the customer
    /// sees, the change that breaks the base, the probe and symptom, the explanation, and the fix.
    public var markdown: String {
        var lines = [
            "# Misconfigurations", "",
            "Generated from `Sandbox/misconfigurations/` by `sandbox scenario docs`; a test keeps it equal to the "
                + "catalog.",
            "Run one with `sandbox scenario run ID`; find them in a topology with `sandbox diagnose FILE`.", "",
        ]
        lines += self.entries.map { "- [\($0.id)](#\($0.id)): \($0.title)" }
        for entry in self.entries {
            lines += [
                "", "## \(entry.id)", "", "**\(entry.title)**", "", "What the customer sees: \(entry.customerSees)", "",
            ]
            if !entry.breaks.isEmpty {
                lines.append("The change that breaks `\(URL(fileURLWithPath: entry.base).lastPathComponent)`:")
                lines += entry.breaks.map {
                    "- `\($0.operation.rawValue) \($0.path)`" + ($0.value.map { " = `\(Self.oneLine($0))`" } ?? "")
                }
                lines.append("")
            }
            lines += [
                "Probe: \(entry.probe). Symptom: \(entry.symptom).", "",
                "The sandbox explains it with: " + entry.explanation.map { "“\($0)”" }.joined(separator: ", ") + ".",
                "",
                "Fix: \(entry.fixText)",
            ]
            if !entry.fixes.isEmpty {
                lines += entry.fixes.map {
                    "- `\($0.operation.rawValue) \($0.path)`" + ($0.value.map { " = `\(Self.oneLine($0))`" } ?? "")
                }
            }
            lines.append("")
            lines.append(
                entry.undiagnosable.map { "`sandbox diagnose` cannot see it: \($0)." } ?? "`sandbox diagnose` finds it."
            )
            if let reason = entry.noTemplateForm { lines += ["", "No template holds it: \(reason)."] }
            if let form = entry.templateForm {
                // The base's path in the repository (Sandbox/templates/… or Fixtures/templates/…), never the
                // checkout's.
                let base =
                    ["/Sandbox/", "/Fixtures/"].lazy.compactMap { folder in
                        form.base.range(of: folder, options: .backwards).map {
                            String(folder.dropFirst()) + form.base[$0.upperBound...]
                        }
                    }.first ?? form.base
                lines += ["", "In a customer's template (edits of `\(base)`, diagnosed in the tests):"]
                lines += form.breaks.map {
                    "- `\($0.operation.rawValue) \($0.path)`" + ($0.value.map { " = `\(Self.oneLine($0))`" } ?? "")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func oneLine(_ yaml: String) -> String {
        yaml.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
