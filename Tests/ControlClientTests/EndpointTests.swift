import AccessPolicy
import Foundation
import MailgateAPI
import Testing

@Suite("Endpoints build their request paths")
struct EndpointTests {
    @Test func anEntryNamedByASourceIsOnePathSegment() {
        #expect(Endpoints.updateEntry(.whitelist).path(id: "192.0.2.0/24") == "/v1/whitelist/192.0.2.0%2F24")
        #expect(Endpoints.entry(.blacklist).path(id: "b0bad0001") == "/v1/blacklist/b0bad0001")
        #expect(Endpoints.confirmChange.path(id: "chg-1") == "/v1/changes/chg-1/confirm")
    }

    @Test func queryValuesAreEscaped() {
        let removal = Endpoints.removeEntry(.whitelist).path(id: "w1", query: [URLQueryItem(name: "acknowledge_impact", value: "true")])
        #expect(removal == "/v1/whitelist/w1?acknowledge_impact=true")
        let events = Endpoints.events.path(query: [URLQueryItem(name: "source", value: "2001:db8::/32"),
                                                   URLQueryItem(name: "service", value: "a&b=c+d")])
        #expect(events == "/v1/events?source=2001:db8::%2F32&service=a%26b%3Dc%2Bd")
    }

    @Test func everyRouteIsDeclaredOnce() {
        let routes = Endpoints.all.map(\.description)
        #expect(Set(routes).count == routes.count)
        #expect(routes.contains("PATCH /v1/whitelist/{id}") && routes.contains("GET /v1/events/stream"))
    }
}
