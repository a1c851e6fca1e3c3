// The stand-in app's own `Lambda` target: its name is what matters.
