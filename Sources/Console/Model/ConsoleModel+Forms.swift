import AccessPolicy
import MailgateAPI

/// A form's save waits for the daemon: the form closes only when the write is applied;
/// a refusal is shown in the form, with what was typed kept; a write with an impact
/// goes through the warning, whose Cancel returns to the form.
extension ConsoleModel {
    /// The form waiting for this write, if it is still open.
    func formSaving(_ write: ListWrite) -> EntryForm? {
        if case .form(let form)? = overlay, form.saving == write { return form }
        return nil
    }

    /// The daemon applied the write: the form that sent it closes.
    mutating func formSaved(_ write: ListWrite) {
        if formSaving(write) != nil { overlay = nil }
    }

    /// The daemon wants the impact acknowledged: the warning opens over the form.
    mutating func formSaveNeedsImpact(_ impact: ImpactReport, for write: ListWrite) {
        guard var form = formSaving(write) else { return }
        form.saving = nil
        var dialog = ImpactDialog(write: write, report: impact)
        dialog.form = form
        overlay = .impact(dialog)
    }

    /// A command was refused or could not be sent, in the daemon's words. A form (or the
    /// warning over it) shows it and keeps what was typed; otherwise the notice line does.
    public mutating func apply(refusal message: String, to command: ConsoleCommand) {
        let write: ListWrite? = switch command {
        case .write(let write), .acknowledgedWrite(let write): write
        default: nil
        }
        if let write, var form = formSaving(write) ?? impactForm(for: write) {
            form.saving = nil
            form.refusal = message
            overlay = .form(form)
            return
        }
        if case .impact? = overlay { overlay = nil }
        apply(error: message)
    }

    private func impactForm(for write: ListWrite) -> EntryForm? {
        if case .impact(let dialog)? = overlay, dialog.write == write { return dialog.form }
        return nil
    }

    /// The words for a refused write: the daemon's own, plus what to do when retrying helps.
    public static func refusalWords(code: APIErrorCode, message: String) -> String {
        code == .revisionMismatch ? "\(message) (the lists were reloaded; try again)" : message
    }
}
