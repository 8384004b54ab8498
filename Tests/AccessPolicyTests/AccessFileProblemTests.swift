import Testing
@testable import AccessPolicy

/// Each kind of mistake in access.toml, and the `FILE:LINE: message` it produces.
@Suite struct AccessFileProblemTests {
    func problems(_ text: String) -> [String] {
        do {
            _ = try AccessLists.parse(text, path: "access.toml", knownServices: ["imap", "pop3", "smtp"])
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func aBadSourceGivesTheAddressParsersMessage() {
        #expect(problems("""
            [[whitelist]]
            source = "192.0.2.1"

            [[whitelist]]
            description = "typo"
            source = "192.0.2.300"
            """) == [
            #"access.toml:6: whitelist entry 2: invalid source "192.0.2.300": not an IPv4 or IPv6 address, CIDR or range"#,
        ])
    }

    @Test func aMissingSourcePointsAtTheEntryHeader() {
        #expect(problems("""
            [[blacklist]]
            source = "198.51.100.0/24"
            [[blacklist]]
            description = "forgot the source"
            """) == [
            #"access.toml:3: blacklist entry 2: source is required (an address, CIDR or range, e.g. "203.0.113.7" or "198.51.100.0/24")"#,
        ])
    }

    @Test func anUnknownServiceIsReportedAtItsOwnLine() {
        #expect(problems("""
            [[whitelist]]
            source = "192.0.2.1"
            services = [
              "imap",
              "imapp",
              "sieve",
            ]
            """) == [
            #"access.toml:5: whitelist entry 1: unknown service "imapp" (did you mean "imap"? the listeners define imap, pop3, smtp; "all" means every service)"#,
            #"access.toml:6: whitelist entry 1: unknown service "sieve" (the listeners define imap, pop3, smtp; "all" means every service)"#,
        ])
    }

    @Test func aDuplicateSourceNamesTheEarlierEntryAndLine() {
        #expect(problems("""
            [[whitelist]]
            source = "203.0.113.7"
            services = ["imap"]

            [[blacklist]]
            source = "203.0.113.7"

            [[whitelist]]
            source = "203.0.113.7/32"
            services = ["smtp"]
            """) == [
            #"access.toml:9: whitelist entry 2: source "203.0.113.7/32" is already in the whitelist (whitelist entry 1, line 2)"#,
        ])
    }

    @Test func aDuplicateIDNamesTheEarlierEntryAndLine() {
        #expect(problems("""
            [[whitelist]]
            id = "lb"
            source = "203.0.113.7"

            [[blacklist]]
            id = "lb"
            source = "198.51.100.0/24"
            """) == [
            #"access.toml:6: blacklist entry 1: id "lb" is already used by whitelist entry 1, line 2"#,
        ])
    }

    @Test func tcpProxyOnABlacklistEntryIsAProblem() {
        #expect(problems("""
            [[blacklist]]
            source = "198.51.100.0/24"
            tcp_proxy = false
            """) == [
            "access.toml:3: blacklist entry 1: tcp_proxy applies to whitelist entries only (a blacklisted source is refused whatever it sends)",
        ])
    }

    @Test func unknownKeysAndTablesAreNamed() {
        #expect(problems("""
            [[whitelists]]
            source = "192.0.2.1"

            [[whitelist]]
            source = "192.0.2.2"
            tcpproxy = true
            comment = "x"
            """) == [
            "access.toml:1: unknown table [[whitelists]] (did you mean [[whitelist]]?)",
            "access.toml:6: whitelist entry 1: unknown key tcpproxy (did you mean tcp_proxy?)",
            "access.toml:7: whitelist entry 1: unknown key comment (known keys: id, source, description, services, tcp_proxy, enabled, created, updated, by)",
        ])
    }

    @Test func wrongTypesNameTheKeyTheTypeAndTheValue() {
        #expect(problems("""
            [[whitelist]]
            source = 192
            services = "imap"
            tcp_proxy = "yes"
            enabled = 1
            created = "last tuesday"
            updated = 12:00:00
            id = "has space"
            by = 7
            description = ["a", "b"]
            """) == [
            "access.toml:2: whitelist entry 1: source must be an address, CIDR or range string, not integer 192",
            #"access.toml:3: whitelist entry 1: services must be an array of service names, not string "imap""#,
            #"access.toml:4: whitelist entry 1: tcp_proxy must be true or false, not string "yes""#,
            "access.toml:5: whitelist entry 1: enabled must be true or false, not integer 1",
            #"access.toml:6: whitelist entry 1: created "last tuesday" is not a date-time, e.g. 2026-11-02T10:15:00Z"#,
            "access.toml:7: whitelist entry 1: updated must be a date-time, e.g. 2026-11-02T10:15:00Z, not time 12:00:00",
            #"access.toml:8: whitelist entry 1: id "has space" may hold only letters, digits, "-", "_" and ".""#,
            "access.toml:9: whitelist entry 1: by must be a user name string, not integer 7",
            "access.toml:10: whitelist entry 1: description must be a string, not array [ 'a', 'b' ]",
        ])
    }

    @Test func anEmptyServicesListIsAProblem() {
        #expect(problems("""
            [[whitelist]]
            source = "192.0.2.1"
            services = []
            """) == [
            #"access.toml:3: whitelist entry 1: services is empty; list service names, or leave it out (or write ["all"]) for every service"#,
        ])
    }

    @Test func severalProblemsInSeveralEntriesAreAllReported() {
        #expect(problems("""
            [[whitelist]]
            source = "10.0.0.0/8"
            [[whitelist]]
            source = "10.0.0.1/8"
            [[blacklist]]
            source = "10.0.0.0-10.255.255.255"
            services = ["imap", "webmail"]
            [[blacklist]]
            source = "10.0.0.0/8"
            """) == [
            #"access.toml:4: whitelist entry 2: invalid source "10.0.0.1/8": host bits are set; did you mean 10.0.0.0/8?"#,
            #"access.toml:7: blacklist entry 1: unknown service "webmail" (the listeners define imap, pop3, smtp; "all" means every service)"#,
        ])
    }

    @Test func linesStayRightAfterMultiLineStringsAndCommentsThatLookLikeTOML() {
        #expect(problems(#"""
            # a "comment" with [[whitelist]] and 'quotes'
            [[whitelist]]
            source = "192.0.2.1"
            description = """
            copied from the old file:
            [[whitelist]]
            source = "not this one"
            """
            services = [ # imap only, for now
              "imap",
            ]

            [[whitelist]] # the second entry
            source = '192.0.2.300'
            """#) == [
            #"access.toml:14: whitelist entry 2: invalid source "192.0.2.300": not an IPv4 or IPv6 address, CIDR or range"#,
        ])
    }

    @Test func aSyntaxErrorIsReportedAtItsLine() {
        let result = problems("""
            [[whitelist]]
            source = "192.0.2.1"
            description = "unterminated
            """)
        #expect(result.count == 1)
        #expect(result.first?.hasPrefix("access.toml:3: ") == true)
    }
}
