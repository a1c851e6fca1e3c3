// Tests that import SandboxTesting get the sandbox itself, the clients, probes and catalog, and the MariaDB client
// the login assertions return, with no other import.
@_exported import CloudSandbox
@_exported import SandboxMariaDBClient
@_exported import SandboxScenarios
