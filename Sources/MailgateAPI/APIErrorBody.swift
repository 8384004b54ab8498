import Foundation

/// `{"error": {"code": "...", "message": "..."}}` — `code` is stable, `message` says what to fix.
public struct APIErrorBody: Codable, Sendable, Hashable {
    public struct Detail: Codable, Sendable, Hashable {
        public var code: APIErrorCode
        public var message: String
        /// `revision-mismatch`: the current revision, to re-read and retry with.
        public var revision: String?
        /// `acknowledge-impact-required`: what enabling `tcp_proxy` would do.
        public var impact: ImpactReport?

        public init(code: APIErrorCode, message: String, revision: String? = nil, impact: ImpactReport? = nil) {
            self.code = code
            self.message = message
            self.revision = revision
            self.impact = impact
        }
    }
    public var error: Detail
    public init(code: APIErrorCode, message: String) { error = Detail(code: code, message: message, revision: nil, impact: nil) }
}
