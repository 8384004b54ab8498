import NetAddress

/// What the gate would do with a connection from an address on a service, and the entry
/// behind it, in one line of words: `mailgate explain` prints it, the console shows it.
public struct DecisionExplanation: Encodable, Sendable, Hashable {
    public var address: String
    public var service: String
    public var decision: String
    public var reason: String?
    public var timeout: String?
    public var list: String?
    public var entry: AccessEntry?
    public var explanation: String

    /// `timeoutKnown: false` leaves the PROXY header timeout out (the caller decided with a
    /// stand-in, not the listener's own timeout).
    public init(_ decision: Decision, address: IPAddress, service: String, timeoutKnown: Bool = true) {
        let matched = decision.matchedEntry
        var words = decision.name
        var reason: String?
        var timeout: String?
        switch decision {
        case .reject(let why, _):
            reason = why.rawValue
            words += " \(why.rawValue)"
        case .requireProxyHeader(let limit, _):
            if timeoutKnown { timeout = limit.configText }
        case .direct:
            break
        }
        var details: [String] = []
        if let matched {
            let description = matched.entry.description.isEmpty ? "" : " \"\(matched.entry.description)\""
            details.append("\(matched.kind.rawValue) \(matched.entry.source)\(description)")
        } else {
            details.append("no entry matches")
        }
        if let timeout { details.append("timeout \(timeout)") }
        self.address = "\(address.normalized)"
        self.service = service
        self.decision = decision.name
        self.reason = reason
        self.timeout = timeout
        self.list = matched?.kind.rawValue
        self.entry = matched?.entry
        self.explanation = "\(words) (\(details.joined(separator: ", ")))"
    }
}
