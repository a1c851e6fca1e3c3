// The stand-in app's own `APIGateway` target: its name is what matters.
