import CloudSandbox
import XCTest

/// Topologies load from YAML, and a topology that cannot run is refused with where and what to change.
final class TopologyTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testDefaultTopologyLoads() throws {
        let (topology, base) = try TopologyLoader.load(
            path: Self.root.appendingPathComponent("Sandbox/default.yaml").path
        )
        XCTAssertEqual(topology.region, "us-east-1")
        XCTAssertEqual(topology.databases.map(\.id), ["app-db"])
        XCTAssertEqual(topology.databases[0].users.map(\.plugin), [.cachingSHA2Password, .nativePassword])
        XCTAssertEqual(base.lastPathComponent, "Sandbox")
        XCTAssertEqual(topology.iam?.roles?.map(\.name), ["proxy-role", "app-role", "password-function-role"])
        XCTAssertEqual(topology.secrets?.map(\.database?.user), ["app", "admin"])
        let policy = try XCTUnwrap(topology.iam?.policies?.first?.document.text)
        let statements = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any])?["Statement"]
                as? [[String: Any]]
        )
        XCTAssertEqual(
            statements.map { $0["Sid"] as? String },
            ["ReadAppDbSecrets", "DecryptThroughSecretsManager"],
            "YAML mappings become JSON documents"
        )
    }

    func testBadAWSSectionsNameThePathAndTheFix() {
        let db = "databases:\n  - id: db\n    users: [{name: app, password: pw}]\n"
        let trust =
            #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"#
            + #""Action":"sts:AssumeRole"}}"#
        let cases: [(String, String, String)] = [
            ("accountId: \"12345\"\n", "accountId", "12 digits"),
            (
                "iam:\n  roles:\n    - name: r\n      trustPolicy: "
                    + "'{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
                    + "\"Action\":\"sts:AssumeRole\"}}'\n",
                "iam.roles[0].trustPolicy", "MalformedPolicyDocument"
            ),
            (
                "iam:\n  users:\n    - name: u\n      managedPolicies: [missing]\n", "iam.users[0].managedPolicies[0]",
                "declare it"
            ),
            (
                "iam:\n  users: [{name: x}]\n  roles:\n    - name: x\n      trustPolicy: '\(trust)'\n",
                "iam.roles[0].name", "used twice"
            ),
            (
                "iam:\n  users:\n    - name: u\n      policies:\n        p: {Version: \"2012-10-17\", Statement: "
                    + "{Effect: Allow, Action: GetSecretValue, Resource: \"*\"}}\n",
                "iam.users[0].policies.p", "MalformedPolicyDocument"
            ),
            ("kmsKeys: [{alias: aws/mine}]\n", "kmsKeys[0].alias", "aws/"),
            ("secrets: [{name: s, kmsKey: nope, value: x}]\n", "secrets[0].kmsKey", "kmsKeys"),
            ("secrets: [{name: s, value: x, generate: {PasswordLength: 12}}]\n", "secrets[0]", "exactly one"),
            ("secrets: [{name: s, generate: {PasswordLength: 2}}]\n", "secrets[0].generate", "between 4 and 4096"),
            (
                db + "secrets: [{name: s, database: {instance: db, user: root}}]\n", "secrets[0].database.user",
                "its users are app"
            ),
            (
                db
                    + "network:\n  vpcs: [{id: vpc-a, cidr: 10.0.0.0/16, subnets: [{id: subnet-a, cidr: "
                    + "10.0.1.0/24}]}]\n",
                "databases[0].subnet", "every instance sits in a subnet"
            ),
            (
                "network:\n  vpcs: [{id: vpc-a, cidr: 10.0.0.0/16, subnets: [], securityGroups: [{id: sg-a, "
                    + "ingress: [{ports: \"3310-3306\", source: vpc}]}]}]\n",
                "network.vpcs[0].securityGroups[0].ingress[0].ports", "lower bound first"
            ),
            (
                "network:\n  vpcs: [{id: vpc-a, cidr: 10.0.0.0/16, subnets: []}]\n  hosts: [{id: h, subnet: "
                    + "subnet-z, securityGroups: []}]\n",
                "network.hosts[0].subnet", "not a subnet"
            ),
            (
                "databases:\n  - id: ext\n    users: [{name: a, password: b}]\n    external: {host: 10.0.0.5, "
                    + "port: 3306}\n",
                "databases[0].external", "127.0.0.0/8"
            ),
            (
                "databases:\n  - id: ext\n    users: [{name: a, password: b}]\n    schema: x.sql\n    "
                    + "schemaDatabase: app\n    external: {host: 127.0.0.1, port: 3306}\n",
                "databases[0].schema", "external server keeps its own"
            ),
        ]
        for (yaml, path, hint) in cases {
            XCTAssertThrowsError(try TopologyLoader.parse(yaml), path) { error in
                guard let error = error as? TopologyError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.path, path, "\(error)")
                XCTAssertTrue(error.description.contains(hint), "\(error) should mention \(hint)")
            }
        }
    }

    func testBadTopologiesNameThePathAndTheFix() {
        let cases: [(String, String, String)] = [
            (
                "databases:\n  - id: db\n    users: [{name: a, password: b, plugin: sha1}]\n",
                "databases[0].users[0].plugin", "caching_sha2_password"
            ),
            ("databases:\n  - id: DB_1\n    users: [{name: a, password: b}]\n", "databases[0].id", "lower-case"),
            ("databases:\n  - id: db\n    users: []\n", "databases[0].users", "at least one user"),
            (
                "databases:\n  - id: db\n    users: [{name: a, password: b}]\n  - id: db\n    users: [{name: a, "
                    + "password: b}]\n",
                "databases[1].id", "used twice"
            ),
            (
                "databases:\n  - id: db\n    maxConnections: 0\n    users: [{name: a, password: b}]\n",
                "databases[0].maxConnections", "151"
            ),
            ("databases:\n  - id: db\n    users: [{name: a}]\n", "databases[0].users[0].password", "missing"),
            (
                "databases:\n  - id: db\n    tls: sometimes\n    users: [{name: a, password: b}]\n", "databases[0].tls",
                "required, optional, disabled"
            ),
            (
                "clusters:\n  - id: c\n    users: [{name: a, password: b}]\n    instances: []\n",
                "clusters[0].instances", "at least one instance"
            ),
            (
                "databases:\n  - id: c\n    users: [{name: a, password: b}]\nclusters:\n  - id: c\n    users: "
                    + "[{name: a, password: b}]\n    instances: [{id: c-1}]\n",
                "clusters[0].id", "already an instance or cluster id"
            ),
            (
                "clusters:\n  - id: c\n    users: [{name: a, password: b}]\n    instances: [{id: c-1}, {id: c-1}]\n",
                "clusters[0].instances[1].id", "used twice"
            ),
            (
                "clusters:\n  - id: c\n    users: [{name: a, password: b}]\n    instances: [{id: c-1}]\n    "
                    + "failover: {promotionSeconds: -1}\n",
                "clusters[0].failover.promotionSeconds", "0 to 3600"
            ),
            (
                "clusters:\n  - id: c\n    users: [{name: a, password: b}]\n    instances: [{id: c-1, subnet: s}]\n",
                "clusters[0].instances[0].subnet", "no network"
            ),
            (
                "databases:\n  - id: pg\n    engine: postgres\n    users: [{name: a, password: b, plugin: "
                    + "mysql_native_password}]\n",
                "databases[0].users[0].plugin", "method: scram-sha-256, md5 or password"
            ),
            (
                "databases:\n  - id: db\n    users: [{name: a, password: b, method: md5}]\n",
                "databases[0].users[0].method", "engine: postgres"
            ),
            (
                "databases:\n  - id: pg\n    engine: oracle\n    users: [{name: a, password: b}]\n",
                "databases[0].engine", "mysql, postgres"
            ),
            (
                "databases:\n  - id: pg\n    engine: postgres\n    users: [{name: a, password: b}]\niam:\n  roles: "
                    + "[{name: r, trustPolicy: {Version: \"2012-10-17\", Statement: [{Effect: Allow, Principal: "
                    + "{Service: rds.amazonaws.com}, Action: \"sts:AssumeRole\"}]}}]\nsecrets: [{name: s, "
                    + "database: {instance: pg, user: a}}]\nproxies: [{name: p, role: r, auth: [{secret: "
                    + "s}], target: pg, engineFamily: MYSQL}]\n",
                "proxies[0].engineFamily", "databases[0].engine: postgres"
            ),
            (
                "databases:\n  - id: pg\n    engine: postgres\n    users: [{name: a, password: b}]\niam:\n  roles: "
                    + "[{name: r, trustPolicy: {Version: \"2012-10-17\", Statement: [{Effect: Allow, Principal: "
                    + "{Service: rds.amazonaws.com}, Action: \"sts:AssumeRole\"}]}}]\nsecrets: [{name: s, "
                    + "database: {instance: pg, user: a}}]\nproxies: [{name: p, role: r, auth: [{secret: "
                    + "s, clientPasswordAuthType: MYSQL_NATIVE_PASSWORD}], target: pg}]\n",
                "proxies[0].auth[0].clientPasswordAuthType", "POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5"
            ),
            (
                "clusters:\n  - id: c\n    engine: aurora-postgresql\n    replicaLagSeconds: 0.5\n    users: "
                    + "[{name: a, password: b}]\n    instances: [{id: c-1}]\n",
                "clusters[0].replicaLagSeconds", "aurora-mysql clusters"
            ),
            (
                "clusters:\n  - id: c\n    engine: aurora-postgresql\n    users: [{name: a, password: b, plugin: "
                    + "mysql_native_password}]\n    instances: [{id: c-1}]\n",
                "clusters[0].users[0].plugin", "method: scram-sha-256"
            ),
            (
                "clusters:\n  - id: c\n    engine: aurora-postgresql\n    users: [{name: a, password: b}]\n    "
                    + "instances: [{id: c-1}]\niam:\n  roles: [{name: r, trustPolicy: {Version: \"2012-10-17\", "
                    + "Statement: [{Effect: Allow, Principal: {Service: rds.amazonaws.com}, Action: "
                    + "\"sts:AssumeRole\"}]}}]\nsecrets: [{name: s, database: {instance: c, user: "
                    + "a}}]\nproxies: [{name: p, role: r, auth: [{secret: s}], target: c, "
                    + "engineFamily: MYSQL}]\n",
                "proxies[0].engineFamily", "clusters[0].engine: aurora-postgresql"
            ),
        ]
        for (yaml, path, hint) in cases {
            XCTAssertThrowsError(try TopologyLoader.parse(yaml), path) { error in
                guard let error = error as? TopologyError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.path, path, "\(error)")
                XCTAssertTrue(error.description.contains(hint), "\(error) should mention \(hint)")
            }
        }
    }

    func testErrorsNameTheLine() {
        let yaml =
            "region: us-east-1\nnetwork:\n  vpcs:\n    - id: vpc-a\n      cidr: 10.0.0.0/16\n      subnets:\n      "
            + "  - id: subnet-a\n          cidr: 10.9.0.0/24\n"
        XCTAssertThrowsError(try TopologyLoader.parse(yaml)) { error in
            XCTAssertEqual((error as? TopologyError)?.line, 8, "\(error)")
            XCTAssertTrue(
                "\(error)".hasPrefix(
                    "topology network.vpcs[0].subnets[0].cidr (line 8): 10.9.0.0/24 is outside its VPC's 10.0.0.0/16"
                ),
                "\(error)"
            )
        }
    }

    func testUnknownKeysAreRefusedWithTheNearestKnownKey() {
        let cases: [(yaml: String, starts: String)] = [
            (
                "region: us-east-1\ndatabasez:\n  - id: db\n",
                "topology databasez (line 2): is not a key of the topology; did you mean databases?"
            ),
            (
                "databases:\n  - id: db\n    users: [{name: a, password: b, plugn: mysql_native_password}]\n",
                "topology databases[0].users[0].plugn (line 3): is not a key of the topology; did you mean plugin?"
            ),
            (
                "network:\n  vpcs:\n    - id: v\n      cidr: 10.0.0.0/16\n      subnets: [{id: s, cidr: "
                    + "10.0.1.0/24}]\n      securityGroups:\n        - id: g\n          ingres: []\n",
                "topology network.vpcs[0].securityGroups[0].ingres (line 8): is not a key of the topology; did you "
                    + "mean ingress?"
            ),
            (
                "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
                "topology AWSTemplateFormatVersion (line 1): is not a key of the topology; the keys there are "
                    + "accountId, apis"
            ),
        ]
        for (yaml, starts) in cases {
            XCTAssertThrowsError(try TopologyLoader.parse(yaml), starts) { error in
                XCTAssertTrue("\(error)".hasPrefix(starts), "\(error)")
            }
        }
        XCTAssertThrowsError(try TopologyLoader.parse("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n")) {
            error in
            XCTAssertTrue(
                "\(error)".contains(
                    "(this is a CloudFormation/SAM template, not a topology); also unknown: Resources (line 2)"
                ),
                "\(error)"
            )
        }
        // Enum-like keys name their values.
        XCTAssertThrowsError(
            try TopologyLoader.parse(
                "databases: []\nproxies:\n  - {name: p, role: r, target: db, auth: [{secret: s, iamAuth: required}]}\n"
            )
        ) { error in
            XCTAssertTrue("\(error)".hasPrefix("topology proxies[0].auth[0].iamAuth (line 3): "), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix("; use one of DISABLED, REQUIRED, ENABLED"), "\(error)")
        }
        // Free-form structure (a policy document) and dictionaries (environment) are not checked against the model.
        XCTAssertNoThrow(
            try TopologyLoader.parse(
                "iam:\n  roles:\n    - name: r\n      trustPolicy: {Version: '2012-10-17', Statement: [{Effect: "
                    + "Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]}\n      "
                    + "policies: {p: {Version: '2012-10-17', Statement: {Effect: Allow, Action: 's3:*', "
                    + "Resource: '*'}}}\n"
            )
        )
    }
    func testUnreadableFilesAreNamed() async {
        let topology = Topology(databases: [
            .init(id: "db", users: [.init(name: "a", password: "b")], databases: ["app"], schema: "missing.sql")
        ])
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
