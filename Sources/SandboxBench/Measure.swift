import Foundation

/// Timing helpers: every loop is bounded in count and in time.
enum Measure {
    /// Runs `body` until `count` iterations or `seconds` pass (after `warmup` untimed ones); returns per second.
    static func rate(
        count: Int = 3_000,
        seconds: Double = 2,
        warmup: Int = 50,
        _ body: () throws -> Void
    ) rethrows -> Double {
        for _ in 0..<warmup { try body() }
        let clock = ContinuousClock()
        let start = clock.now
        var done = 0
        while done < count, (clock.now - start) < .seconds(seconds) {
            try body()
            done += 1
        }
        return Double(done) / Self.seconds(clock.now - start)
    }

    static func rate(
        count: Int = 3_000,
        seconds: Double = 2,
        warmup: Int = 50,
        _ body: @Sendable () async throws -> Void
    ) async rethrows -> Double {
        for _ in 0..<warmup { try await body() }
        let clock = ContinuousClock()
        let start = clock.now
        var done = 0
        while done < count, (clock.now - start) < .seconds(seconds) {
            try await body()
            done += 1
        }
        return Double(done) / Self.seconds(clock.now - start)
    }

    /// The median duration of `runs` runs of `body`, in milliseconds.
    static func medianMilliseconds(
        runs: Int,
        _ body: @escaping @Sendable () async throws -> Void
    ) async throws -> Double {
        try await Self.interleavedMedianMilliseconds(runs: runs, [body])[0]
    }

    /// The median durations, in milliseconds, of `runs` runs of each of `bodies`, taken in turn (one run of each, then
    /// the next round), so that the machine's slow and fast moments fall on every case alike; `untimed(i)` runs before
    /// each run of `bodies[i]`, outside the measurement.
    static func interleavedMedianMilliseconds(
        runs: Int,
        untimed: @Sendable (Int) async throws -> Void = { _ in },
        _ bodies: [@Sendable () async throws -> Void]
    ) async throws -> [Double] {
        var samples = Array(repeating: [Double](), count: bodies.count)
        let clock = ContinuousClock()
        for _ in 0..<runs {
            for (index, body) in bodies.enumerated() {
                try await untimed(index)
                let start = clock.now
                try await body()
                samples[index].append(Self.seconds(clock.now - start) * 1000)
            }
        }
        return samples.map { Self.median($0) ?? 0 }
    }

    static func median(_ samples: [Double]) -> Double? { samples.isEmpty ? nil : samples.sorted()[samples.count / 2] }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// A printed table of figures.
struct Report {
    var rows: [[String]] = []
    let header: [String]

    init(_ header: [String]) { self.header = header }

    mutating func add(_ row: [String]) { self.rows.append(row) }

    func print() {
        let all = [self.header] + self.rows
        let widths = self.header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        for (index, row) in all.enumerated() {
            Swift.print(
                row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                    .joined(separator: "  ")
            )
            if index == 0 { Swift.print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
    }
}

func format(_ value: Double?) -> String {
    guard let value else { return "n/a" }
    return value >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
}

/// A benchmark that could not run, and why.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
