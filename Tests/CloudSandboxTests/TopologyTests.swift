import CloudSandbox
import XCTest

/// Topologies load from YAML, and a topology that cannot run is refused with where and what to change.
final class TopologyTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testDefaultTopologyLoads() throws {
        let (topology, base) = try TopologyLoader.load(path: Self.root.appendingPathComponent("Sandbox/default.yaml").path)
        XCTAssertEqual(topology.region, "us-east-1")
        XCTAssertEqual(topology.databases.map(\.id), ["app-db"])
        XCTAssertEqual(topology.databases[0].users.map(\.plugin), [.cachingSHA2Password, .nativePassword])
        XCTAssertEqual(base.lastPathComponent, "Sandbox")
    }

    func testBadTopologiesNameThePathAndTheFix() {
        let cases: [(String, String, String)] = [
            ("databases:\n  - id: db\n    users: [{name: a, password: b, plugin: sha1}]\n", "databases[0].users[0].plugin", "caching_sha2_password"),
            ("databases:\n  - id: DB_1\n    users: [{name: a, password: b}]\n", "databases[0].id", "lower-case"),
            ("databases:\n  - id: db\n    users: []\n", "databases[0].users", "at least one user"),
            ("databases:\n  - id: db\n    users: [{name: a, password: b}]\n  - id: db\n    users: [{name: a, password: b}]\n", "databases[1].id", "used twice"),
            ("databases:\n  - id: db\n    maxConnections: 0\n    users: [{name: a, password: b}]\n", "databases[0].maxConnections", "151"),
            ("databases:\n  - id: db\n    users: [{name: a}]\n", "databases[0].users[0].password", "missing"),
            ("databases:\n  - id: db\n    tls: sometimes\n    users: [{name: a, password: b}]\n", "databases[0].tls", "required, optional, disabled"),
        ]
        for (yaml, path, hint) in cases {
            XCTAssertThrowsError(try TopologyLoader.parse(yaml), path) { error in
                guard let error = error as? TopologyError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.path, path, "\(error)")
                XCTAssertTrue(error.description.contains(hint), "\(error) should mention \(hint)")
            }
        }
    }

    func testUnreadableFilesAreNamed() async {
        let topology = Topology(databases: [.init(id: "db", users: [.init(name: "a", password: "b")], databases: ["app"], schema: "missing.sql")])
        do {
            let sandbox = try await Sandbox.start(topology)
            await sandbox.shutdown()
            XCTFail("a missing schema file must refuse the topology")
        } catch let error as TopologyError {
            XCTAssertEqual(error.path, "databases[0].schema")
        } catch {
            XCTFail("\(error)")
        }
    }
}
