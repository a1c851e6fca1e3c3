// The stand-in app's own `Database` target: its name is what matters.
