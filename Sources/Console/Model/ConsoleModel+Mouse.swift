/// Clicks (with --mouse): a tab shows its view, a row is selected, a form field takes the
/// focus, a dialog button does what its key does — except the warning's Apply, which only
/// takes the focus and says to press E (applying stays a deliberate key).
extension ConsoleModel {
    public mutating func click(_ target: ClickTarget?) -> [ConsoleCommand] {
        guard let target else { return [] }
        if let overlay {
            switch (overlay, target) {
            case (.confirm, .button(.cancel)): return handle(.escape)
            case (.confirm(let dialog), .button(.confirm)):
                self.overlay = nil
                return [dialog.command]
            case (.impact, .button(.cancel)): return handle(.escape)
            case (.impact(var dialog), .button(.confirm)):
                dialog.focus = .apply
                dialog.hint = dialog.canApply ? "A click never applies: press E (Shift-e) to apply, Esc to cancel."
                                              : "Wait for the evidence from the daemon, then press E (Shift-e) to apply."
                self.overlay = .impact(dialog)
            case (.form(var form), .field(let index)):
                if let field = EntryForm.Field(rawValue: index) { form.focus = field }
                self.overlay = .form(form)
            default:
                break  // a dialog takes every click while it is open
            }
            return []
        }
        switch target {
        case .tab(let number):
            editingFilter = false
            if let target = ConsoleView(rawValue: number) { show(target) }
        case .row(let index):
            selection[view] = index
            clampSelection()
        default:
            break
        }
        return []
    }
}
