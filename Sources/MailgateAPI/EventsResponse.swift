import Foundation

/// `GET /v1/events`.
public struct EventsResponse: Codable, Sendable, Hashable {
    public var events: [Event]

    public init(events: [Event]) {
        self.events = events
    }
}
