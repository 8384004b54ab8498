/// The whitelist: sources allowed in, and which of them are load balancers (TCP Proxy).
struct WhitelistView {
    var model: ConsoleModel
    func render(into buffer: inout CellBuffer, _ rect: Rect) {
        AccessListTable(model: model, kind: .whitelist).render(into: &buffer, rect)
    }
}
