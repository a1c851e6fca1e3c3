import Foundation
import Logging
import SandboxAWSCore
import SandboxLifecycle
import SandboxSigV4

/// Why an execution environment could not be made: Lambda refused the invoke, or the code failed to start.
enum ColdStartFailure: Error {
    case rejected(AWSError)
    case initError(FunctionError)
}

extension LambdaService {
    /// A new execution environment: the execution role assumed as lambda.amazonaws.com (its trust policy must
    /// allow it), the environment Lambda sets, and the code started.
    func coldStart(
        _ definition: FunctionDefinition,
        placement: Placement,
        requestID: String,
        log: InvocationLog
    ) async throws(ColdStartFailure) -> any FunctionInstance {
        let account = self.environment.account
        let session: (credentials: AWSCredentials, expires: Date)
        do throws(AWSError) {
            session = try account.serviceCredentials(
                role: definition.roleARN,
                service: "lambda.amazonaws.com",
                session: definition.name
            )
        } catch {
            throw .rejected(AWSError.roleCannotBeAssumed(error.message))
        }
        let environment = self.variables(for: definition, credentials: session.credentials)
        let databases = FunctionDatabases(
            targets: self.environment.targets,
            sourceAddress: placement.sourceAddress,
            credentials: session.credentials,
            region: self.region
        )
        let logger = self.environment.logger
        let globals = ExecutionEnvironmentGlobals()
        let makeContext: @Sendable (Invocation, Logger) -> LambdaContext = { invocation, invocationLogger in
            LambdaContext(
                requestID: invocation.requestID,
                functionName: definition.name,
                functionARN: invocation.functionARN,
                memoryLimitInMB: definition.memorySize,
                deadline: invocation.deadline,
                environment: environment,
                credentials: session.credentials,
                logger: invocationLogger,
                databases: databases,
                globals: globals
            )
        }
        switch definition.code {
        case let .swift(handler):
            return SwiftFunctionInstance(handler: handler, context: makeContext, globals: globals)
        case let .builtin(builtin):
            let awsAccess = self.environment.awsAccess
            let source = placement.sourceAddress
            let region = self.region
            let reset = self.environment.deniedConnectionsReset
            let clock = self.environment.clock
            let handler = builtin.handler(sql: self.environment.sqlRunner) { secretID, context in
                if let blocked = awsAccess(source, "secretsmanager") {
                    let host = "secretsmanager.\(region).amazonaws.com"
                    logger.info(
                        "AWS call unanswered",
                        metadata: [
                            "lambda.function": "\(context.functionName)", "aws.service": "secretsmanager",
                            "network.reason": "\(blocked)",
                        ]
                    )
                    if reset {
                        // The network resets what it denies: the SDK's connect fails at once, as botocore reports it.
                        context.logger.error("GetSecretValue \(secretID): connecting to \(host):443 was reset")
                        throw FunctionError(
                            errorType: "EndpointConnectionError",
                            errorMessage: "Could not connect to the endpoint URL: \"https://\(host)/\""
                        )
                    }
                    // As in a VPC without a route to the service: the SDK's connect waits until the function times out.
                    context.logger.error("GetSecretValue \(secretID): connecting to \(host):443 does not answer")
                    try await clock.sleep(for: .milliseconds(Int64((definition.timeout + 5) * 1000)))
                }
                do throws(AWSError) {
                    return try account.secretValue(
                        secretID,
                        accessKeyID: context.credentials.accessKeyID,
                        logger: logger
                    )
                } catch {
                    context.logger.error("GetSecretValue \(secretID) failed: \(error)")
                    throw FunctionError(errorType: error.code.rawValue, errorMessage: error.message)
                }
            }
            return SwiftFunctionInstance(handler: handler, context: makeContext, globals: globals)
        case let .process(code):
            guard var network = self.environment.processNetwork else {
                throw .initError(
                    FunctionError(
                        errorType: "Runtime.Unavailable",
                        errorMessage: "this sandbox was started without process support"
                    )
                )
            }
            if let missing = network.preload().functionError {
                self.environment.logger.error(
                    "process function cannot start",
                    metadata: ["lambda.function": "\(definition.name)", "lambda.error": "\(missing.errorMessage)"]
                )
                throw .initError(missing)
            }
            // A process's AWS calls leave for the one sandbox endpoint: unanswered when its ENI cannot reach Secrets
            // Manager.
            if self.environment.awsAccess(placement.sourceAddress, "secretsmanager") != nil,
                let url = URL(string: self.environment.awsEndpoint), let host = url.host, let port = url.port
            {
                let dropped = network.dropped
                network.dropped = { dropped($0) + ["\(host):\(port)"] }
            }
            do {
                return try await ProcessFunctionInstance.start(
                    code,
                    function: definition.name,
                    environment: environment,
                    network: network,
                    source: placement.sourceAddress,
                    log: log,
                    initTimeout: min(10, definition.timeout),
                    clock: self.environment.clock,
                    runtimeAPIs: self.runtimeAPIs,
                    logger: logger
                )
            } catch let error as FunctionError {
                throw .initError(error)
            } catch {
                throw .initError(FunctionError(errorType: "Runtime.Unknown", errorMessage: "\(error)"))
            }
        }
    }

    /// The variables Lambda sets (AWS's reserved keys win over the function's own).
    func variables(for definition: FunctionDefinition, credentials: AWSCredentials) -> [String: String] {
        var variables = definition.environment
        let reserved: [String: String] = [
            "AWS_REGION": self.region, "AWS_DEFAULT_REGION": self.region,
            "AWS_LAMBDA_FUNCTION_NAME": definition.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": String(definition.memorySize),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/\(definition.name)",
            "AWS_LAMBDA_LOG_STREAM_NAME":
                "\(Self.streamDate())/"
                + "[$LATEST]\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand", "AWS_EXECUTION_ENV": "AWS_Lambda_\(definition.runtime)",
            "AWS_ACCESS_KEY_ID": credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
            "AWS_SESSION_TOKEN": credentials.sessionToken ?? "", "_HANDLER": definition.handler,
            "TZ": ":UTC", "LANG": "en_US.UTF-8", "AWS_ENDPOINT_URL": self.environment.awsEndpoint,
        ]
        variables.merge(reserved) { _, lambda in lambda }
        return variables
    }

    private static func streamDate() -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        return String(format: "%04d/%02d/%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
