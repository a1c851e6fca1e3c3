/// What becomes of a client's target connection after a statement, for either engine: the client holds it while a
/// transaction is open or its session is pinned; otherwise it goes back to the pool, reusable unless it failed or a
/// client that left mid-transaction or pinned left state on it.
enum LeaseDecision: Equatable {
    case hold
    case giveBack(reusable: Bool)

    static func after(reusable: Bool, clientGone: Bool, pinned: Bool, inTransaction: Bool) -> LeaseDecision {
        guard reusable, !clientGone, pinned || inTransaction else {
            return .giveBack(reusable: reusable && !(clientGone && (inTransaction || pinned)))
        }
        return .hold
    }
}
