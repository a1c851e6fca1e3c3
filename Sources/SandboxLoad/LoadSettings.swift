import Foundation
import SandboxMySQLNIO
import SandboxSigV4

/// What the load client is told, through its environment (LOAD_*, and the AWS_* keys for IAM tokens).
struct LoadSettings {
    struct Proxy {
        var host: String
        var port: Int
        var endpoint: String
    }

    var mode: String
    var count: Int
    var concurrency: Int
    var password: Proxy
    var iam: Proxy
    var user: String
    var secret: String
    var tls: MySQLConnection.TLS
    var credentials: AWSCredentials

    init(environment: [String: String]) throws {
        func value(_ key: String) throws -> String {
            guard let found = environment[key], !found.isEmpty else { throw LoadFailure("\(key) is not set") }
            return found
        }
        func proxy(_ prefix: String) throws -> Proxy {
            Proxy(
                host: try value("\(prefix)_HOST"),
                port: Int(try value("\(prefix)_PORT")) ?? 0,
                endpoint: try value("\(prefix)_ENDPOINT")
            )
        }
        self.mode = try value("LOAD_MODE")
        self.count = Int(try value("LOAD_COUNT")) ?? 0
        self.concurrency = Int(environment["LOAD_CONCURRENCY"] ?? "") ?? 64
        self.password = try proxy("LOAD_PW")
        self.iam = try proxy("LOAD_IAM")
        self.user = try value("LOAD_USER")
        self.secret = try value("LOAD_PASSWORD")
        self.tls = try MySQLConnection.TLS.trusting(
            caPEM: String(contentsOfFile: try value("LOAD_CA"), encoding: .utf8)
        )
        self.credentials = AWSCredentials(
            accessKeyID: try value("AWS_ACCESS_KEY_ID"),
            secretAccessKey: try value("AWS_SECRET_ACCESS_KEY"),
            sessionToken: environment["AWS_SESSION_TOKEN"]
        )
    }
}

struct LoadFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
