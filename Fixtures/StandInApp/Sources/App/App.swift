// The stand-in app's own `App` target: its name is what matters.
