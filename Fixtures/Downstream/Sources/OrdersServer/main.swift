import Hummingbird
import OrdersApp

/// Deployed, the server is given a MySQL client pool for the proxy; this stand-alone build answers from a fixed
/// table so `swift run OrdersServer` shows the routes.
struct FixedOrders: OrdersDatabase {
    func rows(_ sql: String) async throws -> [[String?]] { [["orders_app@%", "0"]] }
}

try await buildApplication(database: FixedOrders()).runService()
