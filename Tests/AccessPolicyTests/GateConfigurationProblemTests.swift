import Testing
@testable import AccessPolicy

/// Each kind of mistake in mailgate.toml, and the `FILE:LINE: message` it produces.
@Suite struct GateConfigurationProblemTests {
    /// The problems `text` produces, as `mailgate check` prints them.
    func problems(_ text: String) -> [String] {
        do {
            _ = try GateConfiguration.parse(text, path: "mailgate.toml")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    static let listener = """
        [[listener]]
        service = "imap"
        listen = ["127.0.0.1:1143"]
        upstream = "127.0.0.1:10143"
        """

    @Test func aSyntaxErrorIsReportedAtItsLine() {
        let result = problems("""
            access_file = "access.toml"

            [control
            socket = "/s"
            """)
        #expect(result.count == 1)
        #expect(result.first?.hasPrefix("mailgate.toml:3: ") == true)
    }

    @Test func aBadUpstreamNamesTheListenerAndLine() {
        #expect(problems("""
            access_file = "access.toml"
            [[listener]]
            service = "imap"
            listen = ["127.0.0.1:1143"]
            upstream = "127.0.0.1"
            """) == [#"mailgate.toml:5: listener "imap": upstream "127.0.0.1" is not an address:port"#])
    }

    @Test func aMissingAccessFileIsReportedWithoutALine() {
        #expect(problems(Self.listener) == [
            #"mailgate.toml: access_file is required (the whitelist/blacklist file, e.g. access_file = "access.toml")"#,
        ])
    }

    @Test func missingListenerKeysPointAtTheListenerHeader() {
        #expect(problems("""
            access_file = "access.toml"

            [[listener]]
            listen = ["127.0.0.1:1143"]
            """) == [
            #"mailgate.toml:3: listener 1: service is required (the name access entries refer to, e.g. "imap")"#,
            #"mailgate.toml:3: listener 1: upstream is required (the mail server's address:port, e.g. "127.0.0.1:10143")"#,
        ])
    }

    @Test func noListenerAtAllIsAProblem() {
        #expect(problems(#"access_file = "access.toml""#) == [
            "mailgate.toml: no [[listener]] is defined; the gate needs at least one to listen on",
        ])
    }

    @Test func wrongTypesNameTheKeyTheTypeAndTheValue() {
        #expect(problems("""
            access_file = 7
            shutdown_grace = 10
            [control]
            revert_after = 120
            [[listener]]
            service = "imap"
            listen = "127.0.0.1:1143"
            upstream = "127.0.0.1:10143"
            [limits]
            max_connections = "many"
            """) == [
            "mailgate.toml:1: access_file must be a file path string, not integer 7",
            #"mailgate.toml:2: shutdown_grace must be a duration string like "3s", "500ms" or "2m", not integer 10"#,
            #"mailgate.toml:4: [control]: revert_after must be a duration string like "3s", "500ms" or "2m", not integer 120"#,
            #"mailgate.toml:7: listener "imap": listen must be an array of "address:port" strings, not string "127.0.0.1:1143""#,
            #"mailgate.toml:10: [limits]: max_connections must be a positive integer, not string "many""#,
        ])
    }

    @Test func unknownKeysAndTablesAreNamedWithASuggestion() {
        #expect(problems("""
            access_file = "access.toml"
            acess_file = "x"
            [limit]
            max_connections = 1
            [[listener]]
            service = "imap"
            listen = ["127.0.0.1:1143"]
            upstream = "127.0.0.1:10143"
            upstrem_proxy = "v1"
            colour = "blue"
            """) == [
            "mailgate.toml:2: unknown key acess_file (did you mean access_file?)",
            "mailgate.toml:3: unknown table [limit] (did you mean [limits]?)",
            #"mailgate.toml:9: listener "imap": unknown key upstrem_proxy (did you mean upstream_proxy?)"#,
            #"mailgate.toml:10: listener "imap": unknown key colour (known keys: service, listen, upstream, upstream_proxy, proxy_header_timeout, protocol, connect_timeout, idle_timeout)"#,
        ])
    }

    @Test func badChoicesAndDurationsSayWhatIsAllowed() {
        #expect(problems("""
            access_file = "access.toml"
            [[listener]]
            service = "imap"
            listen = ["127.0.0.1:1143"]
            upstream = "127.0.0.1:10143"
            upstream_proxy = "v3"
            proxy_header_timeout = "3 seconds"
            idle_timeout = "0s"
            protocol = "IMAP"
            """) == [
            #"mailgate.toml:6: listener "imap": upstream_proxy must be one of "none", "v1", "v2", not "v3""#,
            #"mailgate.toml:7: listener "imap": proxy_header_timeout "3 seconds" is not a duration: unexpected " seconds" after 3; write e.g. "3s" (units: h, m, s, ms)"#,
            #"mailgate.toml:8: listener "imap": idle_timeout must be longer than zero, not "0s""#,
            #"mailgate.toml:9: listener "imap": protocol must be one of "imap", "pop3", "smtp", "tls", "none", not "IMAP""#,
        ])
    }

    @Test func aServiceWithoutAnImpliedProtocolMustSetOne() {
        #expect(problems("""
            access_file = "access.toml"
            [[listener]]
            service = "sieve"
            listen = ["127.0.0.1:4190"]
            upstream = "127.0.0.1:14190"
            """) == [
            #"mailgate.toml:2: listener "sieve": set protocol to one of "imap", "pop3", "smtp", "tls", "none": it cannot be told from the service name "sieve""#,
        ])
    }

    @Test func serviceNamesMustBeWellFormedUniqueAndNotAll() {
        #expect(problems("""
            access_file = "access.toml"
            [[listener]]
            service = "imap"
            listen = ["127.0.0.1:1143"]
            upstream = "127.0.0.1:10143"
            [[listener]]
            service = "imap"
            listen = ["127.0.0.1:2143"]
            upstream = "127.0.0.1:10143"
            [[listener]]
            service = "IMAP 2"
            listen = ["127.0.0.1:3143"]
            upstream = "127.0.0.1:10143"
            [[listener]]
            service = "all"
            protocol = "imap"
            listen = ["127.0.0.1:4143"]
            upstream = "127.0.0.1:10143"
            """) == [
            #"mailgate.toml:7: listener "imap": service "imap" is already defined by the listener at line 3"#,
            #"mailgate.toml:11: listener 3: service "IMAP 2" may hold only a-z, 0-9, "_" and "-""#,
            #"mailgate.toml:15: listener "all": service "all" is reserved: in access entries it means every service"#,
        ])
    }

    @Test func anEndpointUsedTwiceNamesTheEarlierListenerAndLine() {
        #expect(problems("""
            access_file = "access.toml"
            [[listener]]
            service = "imap"
            listen = [
              "0.0.0.0:143",
              "[::]:143",
            ]
            upstream = "127.0.0.1:10143"
            [[listener]]
            service = "imaps"
            listen = [
              "127.0.0.1:993",
              "[::]:143",
              "127.0.0.1:143",
            ]
            upstream = "127.0.0.1:10993"
            """) == [
            #"mailgate.toml:13: listener "imaps": listen "[::]:143" is already used by listener "imap" at line 6"#,
            #"mailgate.toml:14: listener "imaps": listen "127.0.0.1:143" overlaps "0.0.0.0:143" of listener "imap" at line 5"#,
        ])
    }

    @Test func listenMustBeANonEmptyArrayOfEndpoints() {
        #expect(problems("""
            access_file = "access.toml"
            [[listener]]
            service = "imap"
            listen = []
            upstream = "127.0.0.1:10143"
            [[listener]]
            service = "pop3"
            listen = ["127.0.0.1", 110]
            upstream = "127.0.0.1:10110"
            [[listener]]
            service = "smtp"
            listen = ["localhost:25"]
            upstream = "127.0.0.1:10025"
            """) == [
            #"mailgate.toml:4: listener "imap": listen is empty; give at least one address:port, e.g. ["0.0.0.0:143"]"#,
            #"mailgate.toml:8: listener "pop3": listen must be an array of "address:port" strings, not integer 110"#,
            #"mailgate.toml:12: listener "smtp": listen "localhost:25" is not an address:port (e.g. "0.0.0.0:143" or "[::]:143")"#,
        ])
    }

    @Test func anUpstreamThatIsTheGateItselfIsALoop() {
        #expect(problems("""
            access_file = "access.toml"
            [[listener]]
            service = "imap"
            listen = ["0.0.0.0:143"]
            upstream = "127.0.0.1:143"
            """) == [
            #"mailgate.toml:5: listener "imap": upstream "127.0.0.1:143" is the gate's own listen address "0.0.0.0:143" (listener "imap"): it would connect to itself"#,
        ])
    }

    @Test func limitsMustBePositive() {
        #expect(problems("""
            access_file = "access.toml"
            \(Self.listener)
            [limits]
            max_connections = 0
            max_per_source = -5
            """) == [
            "mailgate.toml:7: [limits]: max_connections must be a positive integer, not 0",
            "mailgate.toml:8: [limits]: max_per_source must be a positive integer, not -5",
        ])
    }

    @Test func listenerWrittenAsAPlainTableIsAWrongType() {
        #expect(problems("""
            access_file = "access.toml"
            [listener]
            service = "imap"
            """) == [
            "mailgate.toml:2: listener must be an array of tables ([[listener]]), not a table",
        ])
    }

    @Test func severalProblemsAreAllReportedInFileOrder() {
        let result = problems("""
            shutdown_grace = "forever"
            [control]
            revert_after = "2 minutes"
            socket = ""
            [[listener]]
            service = "imap"
            listen = ["127.0.0.1:1143"]
            upstream = "127.0.0.1"
            [[listener]]
            service = "imap"
            listen = ["127.0.0.1:1143"]
            upstream = "127.0.0.1:10143"
            """)
        #expect(result.count == 7)
        #expect(result.map { $0.split(separator: ":").prefix(2).joined(separator: ":") } == [
            "mailgate.toml: access_file is required (the whitelist/blacklist file, e.g. access_file = \"access.toml\")",
            "mailgate.toml:1", "mailgate.toml:3", "mailgate.toml:4", "mailgate.toml:8", "mailgate.toml:10", "mailgate.toml:11",
        ])
    }

    @Test func anUnreadableFileIsOneProblemWithTheSystemsReason() {
        do {
            _ = try GateConfiguration.load(path: "/nonexistent/mailgate.toml")
            Issue.record("loaded a file that does not exist")
        } catch {
            #expect(error.problems.map(\.description) == ["/nonexistent/mailgate.toml: cannot open: No such file or directory"])
        }
    }
}
