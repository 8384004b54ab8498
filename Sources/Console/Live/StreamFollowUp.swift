import MailgateAPI

/// What one event from the stream asks the session to fetch. The stream is the one trigger:
/// a write's answer and the status refresh reload nothing, so a keypress that changes the
/// lists costs one reload (status and both lists), when its config event comes back.
enum StreamFollowUp: Equatable {
    /// The event says all there is (connections follow from it in the model).
    case nothing
    /// The lists (and the status with their revision) changed.
    case lists
    /// Events were lost (the daemon drops the oldest for a slow reader): the connections and
    /// the lists are fetched again, since a lost event could have changed either.
    case everything

    /// `previous` is the sequence of the event before this one on the stream (0: none yet).
    static func after(_ event: Event, previous: UInt64) -> StreamFollowUp {
        if previous > 0, event.sequence > previous + 1 { return .everything }
        switch event.content {
        case .control: return .lists
        case .gate: return .nothing
        }
    }
}
