import CloudSandbox
import Foundation

/// `sandbox diagnose --report FILE`: one self-contained file for a support ticket — the topology's picture with the
/// paths that failed marked, each finding with its evidence and fix, the paths tried, what the sandbox refused
/// meanwhile and the import's warnings — as HTML (the picture inline, as the SVG Graphviz drew) or Markdown (the
/// picture as DOT). The report it reads is already redacted (`Diagnosis.run`).
public struct DiagnosisDocument: Sendable {
    public var source: String
    public var report: DiagnosisReport
    /// The picture: the model's paths, with each path tried live that failed marked.
    public var graph: TopologyGraph
    public var warnings: [String]
    public var generated: Date

    public init(
        source: String,
        report: DiagnosisReport,
        topology: Topology,
        warnings: [String] = [],
        generated: Date = Date()
    ) throws(TopologyError) {
        self.source = source
        self.report = report
        self.warnings = warnings
        self.generated = generated
        var graph = try TopologyGraph(topology)
        for path in report.paths where !path.works {
            guard let from = path.from, let to = path.to else { continue }
            graph.markFailed(from: from, to: to, why: "failed when tried: \(path.observed.prefix(200))")
        }
        self.graph = graph
    }

    private var summary: String {
        let failing = self.report.paths.filter { !$0.works }.count
        return "\(self.report.findings.count) finding(s); \(failing) of \(self.report.paths.count) paths tried fail"
    }

    private var date: String { ISO8601DateFormatter().string(from: self.generated) }

    /// The whole report as one HTML page; `svg` is the picture drawn (nil: its DOT source is shown instead).
    public func html(svg: String?) -> String {
        func e(_ text: String) -> String { Self.escape(text) }
        var body = [
            "<h1>sandbox diagnose: \(e(self.source))</h1>", "<p class=summary>\(e(self.summary)) · \(e(self.date))</p>",
            "<h2>Topology</h2>",
        ]
        if let svg, let start = svg.range(of: "<svg") {
            body.append("<div class=graph>\(svg[start.lowerBound...])</div>")
        } else {
            body.append(
                "<p>Graphviz's dot was not found (apt-get install graphviz); the picture's DOT "
                    + "source:</p><pre>\(e(self.graph.dot))</pre>"
            )
        }
        body.append(
            "<p class=legend><span class=bad>red, dashed</span>: blocked by the network or failed when tried; "
                + "<span class=good>green</span>: open.</p>"
        )
        body.append("<h2>Findings</h2>")
        if self.report.findings.isEmpty { body.append("<p class=good>No misconfiguration found.</p>") }
        for finding in self.report.findings {
            body.append(
                "<section class=finding><h3><code>\(e(finding.id))</code> \(e(finding.title))</h3><p "
                    + "class=subject>\(e(finding.subject))</p><ul>"
                    + finding.evidence.map { "<li>\(e($0))</li>" }.joined()
                    + "</ul><p class=fix><b>Fix:</b> \(e(finding.fix))</p></section>"
            )
        }
        body.append(
            "<h2>Paths tried</h2><table><tr><th></th><th>path</th><th>what happened</th></tr>"
                + self.report.paths.map { path in
                    "<tr class=\(path.works ? "ok" : "fail")><td>\(path.works ? "ok" : "FAIL")</td><td>"
                        + "\(e(path.path))</td><td><code>\(e(String(path.observed.prefix(600))))</code></td></tr>"
                }.joined() + "</table>"
        )
        body.append(
            "<h2>Refused while the paths were tried</h2>"
                + (self.report.audit.isEmpty
                    ? "<p>Nothing.</p>" : "<pre>\(e(self.report.audit.joined(separator: "\n")))</pre>")
        )
        body.append(
            "<h2>Import warnings</h2>"
                + (self.warnings.isEmpty
                    ? "<p>None.</p>" : "<ul>" + self.warnings.map { "<li>\(e($0))</li>" }.joined() + "</ul>")
        )
        if !self.report.notChecked.isEmpty {
            body.append(
                "<h2>Not checked from a topology</h2><ul>" + self.report.notChecked.map { "<li>\(e($0))</li>" }.joined()
                    + "</ul>"
            )
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>sandbox diagnose: \(e(self.source))</title>
            <style>
            body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
                max-width: 1100px; color: #222; padding: 0 1em; }
            h1 { font-size: 1.5em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 1.6em; }
            .summary { color: #555; } .good { color: #27ae60; } .bad { color: #c0392b; }
            .graph svg { max-width: 100%; height: auto; border: 1px solid #eee; }
            .finding { border-left: 4px solid #c0392b; background: #fdf3f2; padding: .4em 1em; margin: 1em 0; }
            .finding h3 { margin: .3em 0; font-size: 1.05em; } .subject { font-family: monospace; color: #444; }
            table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #ddd; padding: .3em .5em;
                vertical-align: top; text-align: left; }
            tr.fail td:first-child { color: #c0392b; font-weight: bold; } tr.ok td:first-child { color: #27ae60; }
            code, pre { font-size: 12px; white-space: pre-wrap; word-break: break-word; } pre { background:
                #f6f6f6; padding: .6em; }
            </style></head>
            <body>
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }

    /// The whole report as Markdown, the picture as a DOT block (`dot -Tsvg` draws it).
    public var markdown: String {
        var lines = ["# sandbox diagnose: \(self.source)", "", "\(self.summary) · \(self.date)", "", "## Findings", ""]
        if self.report.findings.isEmpty { lines.append("No misconfiguration found.") }
        for finding in self.report.findings {
            lines += ["### `\(finding.id)` \(finding.title)", "", "At: `\(finding.subject)`", ""]
            lines += finding.evidence.map { "- \(Self.inline($0))" }
            lines += ["", "**Fix:** \(finding.fix)", ""]
        }
        lines += ["", "## Paths tried", "", "| | path | what happened |", "|---|---|---|"]
        lines += self.report.paths.map {
            "| \($0.works ? "ok" : "**FAIL**") | \(Self.inline($0.path)) | "
                + "\(Self.inline(String($0.observed.prefix(300)))) |"
        }
        lines += [
            "", "## Topology", "", "Blocked or failed paths are red and dashed.", "", "```dot", self.graph.dot, "```",
            "",
        ]
        lines += [
            "## Refused while the paths were tried", "",
            self.report.audit.isEmpty ? "Nothing." : "```\n\(self.report.audit.joined(separator: "\n"))\n```", "",
        ]
        lines +=
            ["## Import warnings", ""]
            + (self.warnings.isEmpty ? ["None."] : self.warnings.map { "- \(Self.inline($0))" }) + [""]
        if !self.report.notChecked.isEmpty {
            lines += ["## Not checked from a topology", ""] + self.report.notChecked.map { "- \($0)" } + [""]
        }
        return lines.joined(separator: "\n")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// One line of Markdown: no line breaks, no table separators.
    private static func inline(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "|", with: "\\|")
    }
}
