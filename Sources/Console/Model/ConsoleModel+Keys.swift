import AccessPolicy
import Foundation

/// Key handling: overlays first, then the filter line, then the actions table.
extension ConsoleModel {
    /// Handles one key and returns what to ask of the daemon.
    public mutating func handle(_ key: Key) -> [ConsoleCommand] {
        if key == .resize { return [] }
        if let overlay {
            switch overlay {
            case .confirm(let dialog): return handleConfirm(key, dialog)
            case .impact(let dialog): return handleImpact(key, dialog)
            case .form(let form): return handleForm(key, form)
            case .detail(let panel): return handleDetail(key, panel)
            }
        }
        if editingFilter { handleFilter(key); return [] }
        notice = nil
        switch key {
        case .wheel(let step): moveSelection(by: step); return []
        default: break
        }
        guard let action = KeyActions.action(for: key, in: view, readonly: !offersEdits, changePending: !pendingChanges.isEmpty) else {
            return []
        }
        return perform(action.id, key: key)
    }

    mutating func perform(_ id: KeyAction.ID, key: Key) -> [ConsoleCommand] {
        let backwards = [Key.character("k"), .up, .pageUp, .character("g"), .home].contains(key)
        switch id {
        case .help: show(view == .help ? viewBeforeHelp : .help)
        case .nextView: show(view.next)
        case .previousView: show(view.previous)
        case .showView:
            if case .character(let c) = key, let n = Int(String(c)), let target = ConsoleView(rawValue: n) { show(target) }
        case .move: moveSelection(by: backwards ? -1 : 1)
        case .page: moveSelection(by: backwards ? -pageSize : pageSize)
        case .jump: selection[view] = backwards ? 0 : max(0, rowCount(view) - 1)
        case .filter: editingFilter = true
        case .new:
            guard let kind = view.list else { return [] }
            overlay = .form(EntryForm(list: kind, knownServices: knownServices))
        case .details:
            if let panel = detailForSelection() { overlay = .detail(panel) }
        case .edit:
            guard let kind = view.list, let entry = selectedEntry(kind) else { return [] }
            overlay = .form(EntryForm(list: kind, entry: entry, knownServices: knownServices))
        case .delete:
            guard let kind = view.list, let entry = selectedEntry(kind) else { return [] }
            let named = entry.description.isEmpty ? "\(entry.source)" : "\(entry.source) (\(entry.description))"
            overlay = .confirm(ConfirmDialog(
                title: "Delete \(kind.rawValue) entry?",
                lines: ["Delete \(named) from the \(kind.rawValue)?",
                        kind == .whitelist ? "Connections from it are then treated like any other source."
                                           : "Connections from it are then no longer rejected."],
                confirmLabel: "Delete", command: .write(ListWrite(list: kind, action: .remove(entryID: entry.id),
                                                                  revision: revision(of: kind), source: "\(entry.source)"))))
        case .openEntry: openRejectEntry()
        case .explain: explainReject()
        case .blacklistSource: blacklistReject()
        case .flagBalancer: return flagRejectAsLoadBalancer()
        case .undoRecord: return undoSelectedRecord()
        case .toggleTCPProxy:
            guard let entry = selectedEntry(.whitelist) else { return [] }
            if entry.tcpProxy {
                overlay = .confirm(ConfirmDialog(
                    title: "Turn TCP Proxy off?",
                    lines: ["Turn TCP Proxy off for \(entry.source)?",
                            "Its connections are then relayed as direct, and PROXY headers from it are refused.",
                            "If it is a load balancer, its clients will be cut off."],
                    confirmLabel: "Turn off", command: .write(ListWrite(
                        list: .whitelist, action: .update(entryID: entry.id, EntryDraft(tcpProxy: false)),
                        revision: revision(of: .whitelist), source: "\(entry.source)"))))
                return []
            }
            // The dialog opens at once and waits for the daemon's report (enabling always has one).
            let write = ListWrite(list: .whitelist, action: .update(entryID: entry.id, EntryDraft(tcpProxy: true)),
                                  revision: revision(of: .whitelist), source: "\(entry.source)")
            overlay = .impact(ImpactDialog(write: write))
            return [.write(write)]
        case .confirmChange, .undoChange:
            guard let change = targetedChange else {
                view = .changes
                notice = Notice(text: "\(pendingChanges.count) changes are pending: select one, then c (confirm) or u (undo).", isError: false)
                return []
            }
            return [id == .confirmChange ? .confirmChange(id: change.id) : .revertChange(id: change.id)]
        case .pause:
            paused.toggle()
            if !paused { resume() }
        case .quit:
            quitRequested = true
            return [.quit]
        case .cancel:
            if view == .help { view = viewBeforeHelp } else { filters[view] = nil }
        }
        return []
    }

    /// Switches views; however Help is reached (?, F1, Tab, a click), ? goes back to where it was.
    mutating func show(_ target: ConsoleView) {
        if target == .help, view != .help { viewBeforeHelp = view }
        view = target
    }

    mutating func moveSelection(by step: Int) {
        let count = rowCount(view)
        guard count > 0 else { return }
        selection[view] = min(max(0, selectedRow(view) + step), count - 1)
    }

    mutating func resume() { applyHeld() }

    mutating func handleFilter(_ key: Key) {
        var text = filter(for: view)
        switch key {
        case .enter: editingFilter = false
        case .escape: editingFilter = false; text = ""
        case .backspace: if !text.isEmpty { text.removeLast() }
        case .character(let c): text.append(c)
        default: return
        }
        filters[view] = text.isEmpty ? nil : text
        selection[view] = 0
    }

    mutating func handleConfirm(_ key: Key, _ dialog: ConfirmDialog) -> [ConsoleCommand] {
        var dialog = dialog
        switch key {
        case .escape, .character("n"), .character("q"):
            overlay = nil
        case .tab, .backTab, .left, .right:
            dialog.focus = dialog.focus == .cancel ? .confirm : .cancel
            overlay = .confirm(dialog)
        case .character("y"):
            overlay = nil
            return [dialog.command]
        case .enter:
            overlay = nil
            return dialog.focus == .confirm ? [dialog.command] : []
        default: break
        }
        return []
    }

    mutating func handleImpact(_ key: Key, _ dialog: ImpactDialog) -> [ConsoleCommand] {
        var dialog = dialog
        switch key {
        case .character(ImpactDialog.applyKey):
            guard dialog.canApply else {
                dialog.hint = "Wait for the evidence from the daemon before applying."
                overlay = .impact(dialog)
                return []
            }
            // A form's write: the form waits for the daemon's answer again.
            overlay = dialog.form.map { form in
                var form = form
                form.saving = dialog.write
                return .form(form)
            }
            return [.acknowledgedWrite(dialog.write)]
        case .enter:
            if dialog.focus == .cancel { overlay = dialog.form.map { .form($0) }; return [] }
            dialog.hint = "Enter never applies: press E (Shift-e) to apply, Esc to cancel."
            overlay = .impact(dialog)
        case .escape, .character("q"), .character("n"):
            overlay = dialog.form.map { .form($0) }
        case .tab, .backTab, .left, .right:
            dialog.focus = dialog.focus == .cancel ? .apply : .cancel
            dialog.hint = nil
            overlay = .impact(dialog)
        default: break
        }
        return []
    }

    mutating func handleForm(_ key: Key, _ form: EntryForm) -> [ConsoleCommand] {
        var form = form
        switch key {
        case .escape:
            overlay = nil
            return []
        case .tab, .down: form.moveFocus(by: 1)
        case .backTab, .up: form.moveFocus(by: -1)
        case _ where form.saving != nil:
            break  // the fields stay as sent until the daemon answers
        case .backspace: form.deleteBackward()
        case .character(let c): form.type(c)
        case .enter:
            guard form.isValid else { break }
            let revision = revision(of: form.list)
            let source = form.draft.source ?? ""
            let write = if let id = form.entryID {
                ListWrite(list: form.list, action: .update(entryID: id, form.draft), revision: revision, source: source)
            } else {
                ListWrite(list: form.list, action: .add(form.draft), revision: revision, source: source)
            }
            form.saving = write
            form.refusal = nil
            overlay = .form(form)
            return [.write(write)]
        default: break
        }
        overlay = .form(form)
        return []
    }
}
