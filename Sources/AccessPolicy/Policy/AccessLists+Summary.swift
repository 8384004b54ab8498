extension AccessLists {
    /// "3 whitelist entries (1 with tcp_proxy), 2 blacklist entries": what `check` and the daemon's start-up line say.
    public var summary: String {
        "\(whitelist.count) whitelist entries (\(flaggedLoadBalancers.count) with tcp_proxy), \(blacklist.count) blacklist entries"
    }
}
