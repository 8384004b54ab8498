/// The blacklist: sources refused on the services named.
struct BlacklistView {
    var model: ConsoleModel
    func render(into buffer: inout CellBuffer, _ rect: Rect) {
        AccessListTable(model: model, kind: .blacklist).render(into: &buffer, rect)
    }
}
