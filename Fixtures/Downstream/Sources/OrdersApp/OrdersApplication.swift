import Hummingbird

/// What `GET /orders` answers: who the database says the app is, and how many orders it holds.
public struct OrdersSummary: ResponseCodable, Equatable {
    public var user: String
    public var orders: Int

    public init(user: String, orders: Int) {
        (self.user, self.orders) = (user, orders)
    }
}

/// The app's routes: `GET /orders` reads through `database`; a database error answers 503 with its message.
public func buildRouter(database: some OrdersDatabase) -> Router<BasicRequestContext> {
    let router = Router()
    router.get("/orders") { _, _ -> OrdersSummary in
        let rows: [[String?]]
        do {
            rows = try await database.rows("SELECT CURRENT_USER(), COUNT(*) FROM orders")
        } catch {
            throw HTTPError(.serviceUnavailable, message: "the orders database is unavailable: \(error)")
        }
        guard let row = rows.first, row.count == 2, let user = row[0], let count = row[1].flatMap({ Int($0) }) else {
            throw HTTPError(.internalServerError, message: "unexpected answer from the orders database: \(rows)")
        }
        return OrdersSummary(user: user, orders: count)
    }
    return router
}

/// The app as it runs: its routes on `host:port`.
public func buildApplication(database: some OrdersDatabase, host: String = "127.0.0.1", port: Int = 8080) -> some ApplicationProtocol {
    Application(router: buildRouter(database: database), configuration: .init(address: .hostname(host, port: port)))
}
