import ArgumentParser

/// `sandbox`: the CloudSandbox command line. One command tree; the interactive shell will reuse it.
@main
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run AWS RDS Proxy / Lambda / MySQL stacks on loopback, for tests and reproductions.",
        subcommands: [
            UpCommand.self, ValidateCommand.self, ImportCommand.self, EnvCommand.self, ReachCommand.self,
            ToxicCommand.self, ProxyCommand.self, FailoverCommand.self,
            LogsCommand.self, LogCommand.self, ScenarioCommand.self, DiagnoseCommand.self, GraphCommand.self,
            SQLCommand.self, TokenCommand.self, InvokeCommand.self, CallCommand.self, DescribeCommand.self,
            StatusCommand.self, DownCommand.self, ShellCommand.self,
        ]
    )
}
