/// `import CloudSandbox` brings the topology model with it (a sandbox is started from a `Topology`), and what a
/// Swift handler given to `Sandbox.start` dials its databases with (`context.database`).
@_exported import SandboxLambdaDatabase
@_exported import SandboxTopology
