// Tests that import SandboxTesting get the clients, probes and catalog too.
@_exported import SandboxScenarios
