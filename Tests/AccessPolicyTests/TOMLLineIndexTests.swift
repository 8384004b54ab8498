import Testing
import TOMLKit
@testable import AccessPolicy

@Suite struct TOMLLineIndexTests {
    @Test func topLevelTableAndArrayKeysHaveTheirLines() {
        let index = TOMLLineIndex(text: """
            access_file = "access.toml"

            [control]
            socket = "/run/x.sock"

            [[listener]]
            service = "imap"
            [[listener]]
            # a comment
            service = "pop3"
            upstream = "127.0.0.1:10110"
            """)
        #expect(index.line(key: "access_file") == 1)
        #expect(index.line(of: [.key("control")]) == 3)
        #expect(index.line(table: "control", key: "socket") == 4)
        #expect(index.headerLines(array: "listener") == [6, 8])
        #expect(index.line(array: "listener", element: 0, key: "service") == 7)
        #expect(index.line(array: "listener", element: 1, key: "service") == 10)
        #expect(index.line(array: "listener", element: 1, key: "upstream") == 11)
        #expect(index.line(array: "listener", element: 2, key: "service") == nil)
        #expect(index.elementCount(at: [.key("listener")]) == 2)
        #expect(index.keys(at: [.key("listener"), .index(1)]) == ["service", "upstream"])
    }

    @Test func multiLineStringsHidingHeadersAreSkipped() {
        let index = TOMLLineIndex(text: #"""
            [[whitelist]]
            source = "192.0.2.1"
            description = """
            not a header:
            [[whitelist]]
            source = "x" \"""
            """
            note = '''
            [[blacklist]]
            '''
            [[whitelist]]
            source = "192.0.2.2"
            """#)
        #expect(index.headerLines(array: "whitelist") == [1, 11])
        #expect(index.line(array: "whitelist", element: 0, key: "note") == 8)
        #expect(index.line(array: "whitelist", element: 1, key: "source") == 12)
        #expect(index.headerLines(array: "blacklist") == [])
    }

    @Test func commentsAndStringsWithQuotesAndHashesDoNotConfuseIt() {
        let index = TOMLLineIndex(text: #"""
            # it's a "comment" with 'quotes' and [[brackets]]
            a = "say \"hi\" # not a comment" # a "comment"
            b = 'C:\path\#' # '
            "quoted key" = 1
            'literal.key' = 2
            c.d . e = 3
            """#)
        #expect(index.line(key: "a") == 2)
        #expect(index.line(key: "b") == 3)
        #expect(index.line(key: "quoted key") == 4)
        #expect(index.line(key: "literal.key") == 5)
        #expect(index.line(of: [.key("c"), .key("d"), .key("e")]) == 6)
    }

    @Test func arraysAcrossLinesGiveEachElementItsLine() {
        let index = TOMLLineIndex(text: """
            [[listener]]
            listen = [
              "0.0.0.0:143",   # v4, with a comment holding ]
              # a whole-line comment
              "[::]:143",
            ]
            upstream = "127.0.0.1:10143"
            """)
        #expect(index.line(array: "listener", element: 0, key: "listen") == 2)
        #expect(index.line(of: [.key("listener"), .index(0), .key("listen"), .index(0)]) == 3)
        #expect(index.line(of: [.key("listener"), .index(0), .key("listen"), .index(1)]) == 5)
        #expect(index.elementCount(at: [.key("listener"), .index(0), .key("listen")]) == 2)
        #expect(index.line(array: "listener", element: 0, key: "upstream") == 7)
    }

    @Test func inlineTablesAndArraysOfThemAreIndexed() {
        let index = TOMLLineIndex(text: """
            control = { socket = "/s", revert_after = "1m" }
            whitelist = [
              { source = "192.0.2.1", services = ["imap", "pop3"] },
              { source = "192.0.2.2" },
            ]
            """)
        #expect(index.line(table: "control", key: "revert_after") == 1)
        #expect(index.line(array: "whitelist", element: 1, key: "source") == 4)
        #expect(index.line(of: [.key("whitelist"), .index(0), .key("services"), .index(1)]) == 3)
        #expect(index.keys(at: [.key("control")]) == ["socket", "revert_after"])
    }

    @Test func subTablesOfAnArrayElementBelongToItsLastElement() {
        let index = TOMLLineIndex(text: """
            [[a]]
            x = 1
            [[a]]
            [a.b]
            y = 2
            """)
        #expect(index.line(of: [.key("a"), .index(1), .key("b"), .key("y")]) == 5)
        #expect(index.line(of: [.key("a"), .index(1), .key("b")]) == 4)
    }

    @Test func crossCheckDropsLinesWhereTOMLKitDisagrees() throws {
        let text = """
            [[whitelist]]
            source = "192.0.2.1"
            """
        var index = TOMLLineIndex(text: text)
        // Pretend the scanner saw a key TOMLKit did not: the element's lines go.
        let element = try #require(index.node(at: [.key("whitelist"), .index(0)]))
        index.nodes.append(.init(kind: .value, line: 9))
        index.nodes[element].keys["ghost"] = index.nodes.count - 1
        let checked = index.checked(against: try TOMLTable(string: text))
        #expect(checked.line(array: "whitelist", element: 0, key: "source") == nil)
        #expect(checked.headerLines(array: "whitelist") == [1])
        // Where they agree, nothing is dropped.
        let agreeing = TOMLLineIndex(text: text).checked(against: try TOMLTable(string: text))
        #expect(agreeing.line(array: "whitelist", element: 0, key: "source") == 2)
    }

    @Test func crossCheckDropsElementLinesWhenCountsDisagree() throws {
        let text = """
            [[whitelist]]
            source = "192.0.2.1"
            """
        var index = TOMLLineIndex(text: text)
        let array = try #require(index.node(at: [.key("whitelist")]))
        index.nodes.append(.init(kind: .table, line: 7))
        index.nodes[array].elements.append(index.nodes.count - 1)
        let checked = index.checked(against: try TOMLTable(string: text))
        #expect(checked.headerLines(array: "whitelist") == [])
        #expect(checked.line(key: "whitelist") == 1)
    }

    @Test func windowsLineEndsAndAByteOrderMarkCountTheSame() {
        let index = TOMLLineIndex(text: "\u{FEFF}a = 1\r\n\r\n[t]\r\nb = 2\r\n")
        #expect(index.line(key: "a") == 1)
        #expect(index.line(table: "t", key: "b") == 4)
    }

    @Test func invalidTextStillEnds() {
        let index = TOMLLineIndex(text: "[[a\n= = =\n\"unterminated\n{ ] } [ \n'''open")
        #expect(index.line(key: "zzz") == nil)
    }
}
