import AccessPolicy
import NetAddress

/// The one policy question asked after accept: may the real client a PROXY header names go
/// on? Asked of the policy in force when the header arrives, not the one at accept.
public protocol RealClientPolicy {
    /// The blacklist entry that refuses `client`, or nil when it may go on.
    func refusal(ofRealClient client: IPAddress) -> MatchedEntry?
}
