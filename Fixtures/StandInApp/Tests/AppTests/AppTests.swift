// The stand-in app's tests would use SandboxTesting; the graph check never builds them.
