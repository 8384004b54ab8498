import Foundation

/// The sample files the demo writes.
enum DemoFiles {
    static func config(ports: [String: Int], upstreamPorts: [String: Int], socket: String) -> String {
        var text = """
            # mailgate demo configuration (written by `mailgate demo`)
            access_file = "access.toml"
            shutdown_grace = "1s"

            [control]
            socket = "\(socket.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))"
            revert_after = "120s"

            """
        for service in ["imap", "pop3", "smtp"] {
            text += """

                [[listener]]
                service = "\(service)"
                listen = ["127.0.0.1:\(ports[service]!)"]
                upstream = "127.0.0.1:\(upstreamPorts[service]!)"
                upstream_proxy = "v2"
                proxy_header_timeout = "2s"

                """
        }
        return text
    }

    static let access = """
        # mailgate demo access file
        [[whitelist]]
        source = "127.0.0.2"
        description = "lb1: load balancer, sends PROXY v2"
        services = ["imap", "pop3"]
        tcp_proxy = true

        [[whitelist]]
        source = "127.0.0.20"
        description = "flagged, but sends no header"
        services = ["all"]
        tcp_proxy = true

        [[whitelist]]
        source = "127.0.0.3"
        description = "lb2: a load balancer whose TCP Proxy flag is missing"
        services = ["all"]

        [[whitelist]]
        source = "127.0.0.10-127.0.0.19"
        description = "office"
        services = ["all"]

        [[blacklist]]
        source = "127.0.0.66"
        description = "brute force"
        services = ["all"]

        """
}
