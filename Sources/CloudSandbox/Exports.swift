/// `import CloudSandbox` brings the topology model with it (a sandbox is started from a `Topology`), and what a
/// Swift handler given to `Sandbox.start` dials its databases with (`context.database`).
@_exported import SandboxLambdaDatabase
@_exported import SandboxTopology

@_exported import class SandboxLifecycle.ManualClock
/// The time a sandbox's proxies' timers read: a test gives `Sandbox.start` a `ManualClock` to move by hand.
@_exported import protocol SandboxLifecycle.SandboxClock
@_exported import struct SandboxLifecycle.SystemClock
