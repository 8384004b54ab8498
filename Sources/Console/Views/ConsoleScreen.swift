/// The whole screen for a model: top bar, tabs, the pending-change banner, the current
/// view, a notice, the footer, and any dialog on top. Pure: model in, cells out.
public enum ConsoleScreen {
    public static func render(_ model: ConsoleModel, width: Int, height: Int) -> CellBuffer {
        var buffer = CellBuffer(width: width, height: height)
        guard width >= TooSmallScreen.minimumWidth, height >= TooSmallScreen.minimumHeight else {
            TooSmallScreen().render(into: &buffer)
            return buffer
        }
        TopBar(model: model).render(into: &buffer, width: width)
        TabLine(current: model.view).render(into: &buffer, y: 2, width: width)
        var top = 3
        if !model.pendingChanges.isEmpty {
            PendingChangeBanner(changes: model.pendingChanges, model: model).render(into: &buffer, y: top, width: width)
            top += 1
        }
        var bottom = height - 1
        if let notice = model.notice {
            bottom -= 1
            buffer.write((notice.isError ? "✗ " : "ℹ ") + notice.text, x: 0, y: bottom,
                         role: notice.isError ? .bad : .normal, maxX: width)
        } else if case .failed(_, let fix) = model.link {
            bottom -= 1
            buffer.write("✗ " + fix, x: 0, y: bottom, role: .bad, maxX: width)
        }
        let content = Rect(x: 0, y: top, width: width, height: bottom - top)
        switch model.view {
        case .connections: ConnectionsView(model: model).render(into: &buffer, content)
        case .rejects: RejectsView(model: model).render(into: &buffer, content)
        case .whitelist: WhitelistView(model: model).render(into: &buffer, content)
        case .blacklist: BlacklistView(model: model).render(into: &buffer, content)
        case .changes: ChangesView(model: model).render(into: &buffer, content)
        case .history: HistoryView(model: model).render(into: &buffer, content)
        case .help: HelpView(model: model).render(into: &buffer, content)
        }
        Footer(actions: KeyActions.footer(for: model.view, readonly: !model.offersEdits, changePending: !model.pendingChanges.isEmpty))
            .render(into: &buffer, y: height - 1, width: width)
        let area = Rect(x: 0, y: 1, width: width, height: height - 2)
        switch model.overlay {
        case .confirm(let dialog)?: ConfirmDialogWidget(dialog: dialog).render(into: &buffer, in: area)
        case .impact(let dialog)?: ImpactDialogWidget(dialog: dialog).render(into: &buffer, in: area)
        case .form(let form)?: EntryFormWidget(form: form, offline: !model.link.reachesDaemon).render(into: &buffer, in: area)
        case .detail(let panel)?: DetailPanelWidget(panel: panel, readonly: !model.offersEdits).render(into: &buffer, in: area)
        case nil: break
        }
        return buffer
    }

    /// Rows a page key moves for a screen height.
    public static func pageSize(height: Int) -> Int { max(1, height - 8) }
}
