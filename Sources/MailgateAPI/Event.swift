import Foundation

/// One item of the event journal, of `GET /v1/events` and of the event stream: an event of
/// the gate or of the control plane, numbered in one increasing sequence.
public struct Event: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case gate(GateEvent)
        case control(ControlEvent)
    }

    /// Increasing sequence number, for `since=` queries and stream resumption (0: not journalled).
    public var sequence: UInt64
    public var content: Content

    public init(sequence: UInt64 = 0, _ content: Content) {
        self.sequence = sequence
        self.content = content
    }

    public init(sequence: UInt64 = 0, _ event: GateEvent) { self.init(sequence: sequence, .gate(event)) }
    public init(sequence: UInt64 = 0, _ event: ControlEvent) { self.init(sequence: sequence, .control(event)) }

    public var time: Date {
        switch content {
        case .gate(let event): event.time
        case .control(let event): event.time
        }
    }

    /// The event's kind as the API names it (`rejected`, `config-changed`, …).
    public var kindName: String {
        switch content {
        case .gate(let event): event.kind.rawValue
        case .control(let event): event.kind.rawValue
        }
    }

    public var gate: GateEvent? {
        if case .gate(let event) = content { return event }
        return nil
    }

    public var control: ControlEvent? {
        if case .control(let event) = content { return event }
        return nil
    }

    /// Every kind name the API knows, gate kinds first.
    public static let kindNames = GateEvent.Kind.allCases.map(\.rawValue) + ControlEvent.Kind.allCases.map(\.rawValue)
}
