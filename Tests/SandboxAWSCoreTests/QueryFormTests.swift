import XCTest

@testable import SandboxAWSCore

/// Query-protocol forms read as AWS reads them, and results written as AWS writes them.
final class QueryFormTests: XCTestCase {
    struct Input: Decodable, Equatable {
        struct Entry: Decodable, Equatable {
            var key: String
            var values: [String]
        }
        var name: String
        var count: Int?
        var enabled: Bool?
        var ids: [String]
        var entries: [Entry]
        var pool: Pool?
        struct Pool: Decodable, Equatable {
            var maxPercent: Int?
            var initQuery: String?
        }
    }

    func decode(_ text: String, style: QueryForm.ErrorStyle = .validationError) throws(AWSError) -> Input {
        try QueryForm(text).decode(Input.self, style: style)
    }

    func refusal(_ text: String, style: QueryForm.ErrorStyle = .validationError) -> AWSError? {
        do throws(AWSError) {
            _ = try self.decode(text, style: style)
            return nil
        } catch {
            return error
        }
    }

    func testListsStructuresAndScalarsAsBotocoreSendsThem() throws {
        let input = try self.decode(
            "Action=X&Version=1&Name=n&Count=3&Enabled=TRUE&Ids.member.2=b&Ids.member.1=a"
                + "&Entries.member.1.Key=k&Entries.member.1.Values.member.1=v"
                + "&Entries.member.2.Key=e&Entries.member.2.Values="
                + "&Pool.MaxPercent=50"
        )
        XCTAssertEqual(
            input,
            Input(
                name: "n",
                count: 3,
                enabled: true,
                ids: ["a", "b"],
                entries: [.init(key: "k", values: ["v"]), .init(key: "e", values: [])],
                pool: .init(maxPercent: 50)
            )
        )
        XCTAssertEqual(try self.decode("Name=n&Ids=").ids, [], "an empty list is `Name=`")
        XCTAssertEqual(
            try self.decode("Name=n&Pool.InitQuery=").pool?.initQuery,
            "",
            "an optional member given empty is empty"
        )
    }

    func testBadFormsGetTheServicesErrors() {
        XCTAssertEqual(self.refusal("Count=1"), .missingParameter("Name"))
        XCTAssertEqual(self.refusal("Name="), .missingParameter("Name"), "a required member given empty is missing")
        XCTAssertEqual(
            self.refusal("Name=n&Entries.member.1.Values.member.1=v"),
            .missingParameter("Entries.member.1.Key")
        )
        XCTAssertEqual(
            self.refusal("Name=n&Name=m"),
            AWSError(.validationError, "The parameter Name is given more than once; give each parameter once.")
        )
        XCTAssertEqual(
            self.refusal("Name=n&Colour=red"),
            AWSError(.unknownParameter, "The parameter Colour is not recognized.")
        )
        XCTAssertEqual(
            self.refusal("Name=n&Pool.MinPercent=1")?.code,
            .unknownParameter,
            "unknown members of a structure too"
        )
        XCTAssertEqual(
            self.refusal("Name=n&Count=many"),
            AWSError(.validationError, "Value 'many' for parameter Count is not an integer.")
        )
        XCTAssertEqual(
            self.refusal("Name=n&Enabled=yes", style: .invalidParameterValue),
            AWSError(.invalidParameterValue, "Value 'yes' for parameter Enabled is not true or false.")
        )
        XCTAssertEqual(
            self.refusal("Name=n&Ids.member.1=a&Ids.member.3=c"),
            AWSError(.validationError, "The members of Ids are numbered 1, 3: number them 1, 2, 3 … without gaps.")
        )
        XCTAssertEqual(self.refusal("Name=n&Ids.member.0=a")?.code, .validationError)
        XCTAssertEqual(
            self.refusal("Name=n&Ids.member.x=a"),
            AWSError(.validationError, "The members of Ids are numbered x: number them 1, 2, 3 … without gaps.")
        )
        XCTAssertEqual(self.refusal("Name=n&Ids.member.1=a&Ids.member.1.Extra=b")?.code, .unknownParameter)
    }

    /// Random forms over the input's names: each decodes or is refused with an AWS error, never a trap.
    func testRandomFormsNeverTrap() {
        var generator = SystemRandomNumberGenerator()
        let names = [
            "Name", "Count", "Enabled", "Ids", "Ids.member.1", "Ids.member.2", "Ids.member.9", "Entries.member.1.Key",
            "Entries.member.1.Values.member.1", "Entries.member.2.Values", "Pool", "Pool.MaxPercent", "Action", "Other",
            "", ".",
        ]
        let values = ["", "1", "-1", "true", "x", "99999999999999999999", "%00", "a=b", "&"]
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                "\(names.randomElement(using: &generator)!)=\(values.randomElement(using: &generator)!)"
            }.joined(separator: "&")
            do throws(AWSError) {
                _ = try self.decode(text)
            } catch {
                XCTAssertFalse(error.message.isEmpty, text)
            }
        }
    }

    func testResultsAreWrittenAsAWSWritesThem() throws {
        struct Member: Encodable {
            var id: String
            var healthy: Bool
        }
        struct Result: Encodable {
            var name: String
            var missing: String?
            var port: Int
            var created: Date
            var groups: [String]
            var members: [Member]
            var instances: XMLList<Member>
            var none: [String]
        }
        let xml = try QueryXMLEncoder.encode(
            Result(
                name: "a<b",
                missing: nil,
                port: 3306,
                created: Date(timeIntervalSince1970: 0),
                groups: ["sg-1"],
                members: [.init(id: "m", healthy: true)],
                instances: XMLList("DBInstance", [.init(id: "i", healthy: false)]),
                none: []
            )
        )
        XCTAssertEqual(
            xml,
            "<Name>a&lt;b</Name><Port>3306</Port><Created>1970-01-01T00:00:00.000Z</Created>"
                + "<Groups><member>sg-1</member></Groups><Members><member><Id>m</Id><Healthy>true</Healthy></"
                + "member></Members>"
                + "<Instances><DBInstance><Id>i</Id><Healthy>false</Healthy></DBInstance></Instances><None></None>"
        )
    }
}
