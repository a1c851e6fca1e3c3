/// `import Lambda` brings `JSONValue` with it: handlers take and return one.
@_exported import SandboxJSON
