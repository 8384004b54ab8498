import Gate
import MailgateAPI

extension GateState {
    /// Journals and streams a control-plane event beside the gate's own, in the same sequence.
    func record(_ event: ControlEvent) {
        journal.record(Event(event))
    }
}
