/// The stable `code` of an API error body: what clients branch on (never the message text).
/// Unknown codes from a newer daemon decode as themselves.
public struct APIErrorCode: RawRepresentable, Codable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }

    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// A write that turns `tcp_proxy` on (or could cut clients off) without `acknowledge_impact`:
    /// the body carries the impact report.
    public static let acknowledgeImpactRequired: APIErrorCode = "acknowledge-impact-required"
    /// `If-Match` names an older revision: the body carries the current one.
    public static let revisionMismatch: APIErrorCode = "revision-mismatch"
    /// A write without `If-Match`.
    public static let revisionRequired: APIErrorCode = "revision-required"
    public static let notFound: APIErrorCode = "not-found"
    public static let duplicate: APIErrorCode = "duplicate"
    public static let changeNotPending: APIErrorCode = "change-not-pending"
    public static let invalid: APIErrorCode = "invalid"
    public static let invalidField: APIErrorCode = "invalid-field"
    public static let invalidQuery: APIErrorCode = "invalid-query"
    public static let unknownField: APIErrorCode = "unknown-field"
    public static let malformedJSON: APIErrorCode = "malformed-json"
    public static let emptyBody: APIErrorCode = "empty-body"
    public static let bodyTooLarge: APIErrorCode = "body-too-large"
    public static let saveFailed: APIErrorCode = "save-failed"
    public static let accessFileUnreadable: APIErrorCode = "access-file-unreadable"
    public static let accessFileInvalid: APIErrorCode = "access-file-invalid"
    public static let internalError: APIErrorCode = "internal"

    /// The request conflicts with the lists as they are now (answered with 409): a stale
    /// revision, a duplicate, a change already settled, an access file that does not load.
    /// A client reloads the lists before the user tries again.
    public var isConflict: Bool {
        [.revisionMismatch, .duplicate, .changeNotPending, .accessFileUnreadable, .accessFileInvalid, .acknowledgeImpactRequired]
            .contains(self)
    }
}
