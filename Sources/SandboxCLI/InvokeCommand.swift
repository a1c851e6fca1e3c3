import ArgumentParser
import CloudSandbox
import Foundation
import SandboxSigV4

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `sandbox invoke FUNCTION [--payload JSON] [--as PRINCIPAL]`: Lambda's Invoke on a running sandbox, signed with
/// SigV4 as the principal (root by default), as `aws lambda invoke` sends it. Prints the function's answer; exits 1
/// when the function failed (X-Amz-Function-Error) or Lambda refused the call.
struct InvokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoke",
        abstract: "Invoke a function of the running sandbox (Lambda's Invoke, SigV4-signed); exit 1 when it fails."
    )

    @Argument(help: "The function's name or ARN.") var function: String
    @Option(help: "The event (JSON).") var payload: String = "{}"
    @Option(name: .customLong("as"), help: "The user or role whose credentials sign the call (default: root).")
    var principal: String = "root"
    @OptionGroup var sandbox: RunningSandbox

    func run() async throws {
        let endpoints = try self.sandbox.endpoints()
        guard let aws = endpoints.aws, let url = URL(string: aws.endpoint), let host = url.host,
            let credentials = endpoints.credentials?[self.principal]
        else {
            throw ValidationError("no AWS endpoint or no credentials for '\(self.principal)' in \(self.sandbox.path)")
        }
        let name =
            self.function.addingPercentEncoding(
                withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))
            ) ?? self.function
        let path = "/2015-03-31/functions/\(name)/invocations"
        let now = Date()
        var headers: [(name: String, value: String)] = [
            ("host", url.port.map { "\(host):\($0)" } ?? host), ("x-amz-date", SigV4Encoding.amzDate(now)),
            ("content-type", "application/json"),
        ]
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        let body = Array(self.payload.utf8)
        let authorization = SigV4Signer.authorization(
            for: SigV4Request(method: "POST", path: path, headers: headers, body: body),
            credentials: credentials.awsCredentials,
            region: aws.region,
            service: "lambda",
            date: now
        )
        var request = URLRequest(url: URL(string: aws.endpoint + path)!, timeoutInterval: 960)
        request.httpMethod = "POST"
        for (name, value) in headers where name != "host" { request.setValue(value, forHTTPHeaderField: name) }
        request.setValue(authorization, forHTTPHeaderField: "Authorization")
        request.httpBody = Data(body)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        let text = String(decoding: data, as: UTF8.self)
        guard http?.statusCode == 200 else {
            FileHandle.standardError.write(
                Data(
                    ("\(http?.value(forHTTPHeaderField: "x-amzn-ErrorType") ?? "Error") (\(http?.statusCode ?? 0)): "
                        + "\(text)\n")
                        .utf8
                )
            )
            throw ExitCode(1)
        }
        print(text)
        if http?.value(forHTTPHeaderField: "X-Amz-Function-Error") != nil { throw ExitCode(1) }
    }
}

/// `sandbox call [--api NAME] "METHOD /path" [--data BODY]`: a request to an HTTP API of the running sandbox, as a
/// client sends it. Prints the body (`--include`: the status line first); exits 1 for a 4xx or 5xx answer.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call a route of the running sandbox's HTTP API; exit 1 for a 4xx or 5xx answer."
    )

    @Argument(help: "The method and path: \"GET /iam?x=1\".") var route: String
    @Option(help: "The API (default: the only one).") var api: String?
    @Option(help: "The request body.") var data: String?
    @Flag(help: "Print the status line first.") var include = false
    @OptionGroup var sandbox: RunningSandbox

    func run() async throws {
        let apis = try self.sandbox.endpoints().apis ?? [:]
        guard let name = self.api ?? (apis.count == 1 ? apis.keys.first : nil), let api = apis[name] else {
            throw ValidationError(
                "name the API with --api; the sandbox has: \(apis.keys.sorted().joined(separator: ", "))"
            )
        }
        let parts = self.route.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[1].hasPrefix("/"), let url = URL(string: api.url + parts[1]) else {
            throw ValidationError("write the route as \"METHOD /path\", e.g. \"GET /iam\"")
        }
        var request = URLRequest(url: url, timeoutInterval: 60)
        request.httpMethod = parts[0].uppercased()
        request.httpBody = self.data.map { Data($0.utf8) }
        let (body, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if self.include { print("HTTP \(status)") }
        print(String(decoding: body, as: UTF8.self))
        if status >= 400 { throw ExitCode(1) }
    }
}
