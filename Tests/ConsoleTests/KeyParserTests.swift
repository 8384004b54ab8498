import Testing
@testable import Console

@Suite("Key parser: whole escape sequences from xterm, rxvt, PuTTY, the Linux console, vt100")
struct KeyParserTests {
    /// Feeds `text` as one burst, then lets the escape delay pass.
    func keys(_ text: String) -> [Key] {
        var parser = KeyParser()
        return parser.feed(Array(text.utf8)) + parser.flush()
    }

    @Test(arguments: [
        ("\u{1B}[4~", Key.end), ("\u{1B}[1~", .home), ("\u{1B}[7~", .home), ("\u{1B}[8~", .end),
        ("\u{1B}[H", .home), ("\u{1B}[F", .end), ("\u{1B}OH", .home), ("\u{1B}OF", .end),
        ("\u{1B}[2~", nil), ("\u{1B}[3~", .delete), ("\u{1B}[5~", .pageUp), ("\u{1B}[6~", .pageDown),
        ("\u{1B}[A", .up), ("\u{1B}OB", .down), ("\u{1B}[1;5C", .right), ("\u{1B}[1;2D", .left), ("\u{1B}Oa", .up),
        ("\u{1B}[Z", .backTab), ("\u{1B}[11~", .function(1)), ("\u{1B}[12~", .function(2)), ("\u{1B}[15~", .function(5)),
        ("\u{1B}[17~", .function(6)), ("\u{1B}[21~", .function(10)), ("\u{1B}[24~", .function(12)),
        ("\u{1B}OP", .function(1)), ("\u{1B}[1;2P", .function(1)), ("\u{1B}[[A", .function(1)), ("\u{1B}[[E", .function(5)),
        ("\u{1B}[3;5~", .delete), ("\u{1B}[7$", .home), ("\u{1B}[8^", .end), ("\u{1B}OM", .enter), ("\u{1B}Oq", .character("1")),
    ] as [(String, Key?)])
    func aWholeSequenceIsOneKey(sequence: String, key: Key?) {
        #expect(keys(sequence) == (key.map { [$0] } ?? []), "\(sequence.debugDescription)")
    }

    @Test func unknownSequencesAreDroppedWholeNeverTypedAsKeys() {
        // Focus reports, bracketed paste marks, a cursor report, mouse reports, an unknown final.
        for sequence in ["\u{1B}[I", "\u{1B}[O", "\u{1B}[200~", "\u{1B}[24;80R", "\u{1B}[<0;10;5M", "\u{1B}[M !!", "\u{1B}[99~", "\u{1B}[E"] {
            #expect(keys(sequence + "x") == [.character("x")], "\(sequence.debugDescription)")
        }
    }

    @Test func aLoneEscIsEscOnlyOnceTheDelayPasses() {
        var parser = KeyParser()
        #expect(parser.feed(0x1B).isEmpty)
        #expect(parser.isWaiting)
        #expect(parser.flush() == [.escape])
        #expect(!parser.isWaiting)
        // Esc twice: the first was a key.
        #expect(keys("\u{1B}\u{1B}") == [.escape, .escape])
        #expect(keys("\u{1B}\u{1B}[4~") == [.escape, .end])
    }

    @Test func aSequenceSplitAcrossReadsIsStillOneKey() {
        var parser = KeyParser()
        #expect(parser.feed(Array("\u{1B}[1".utf8)).isEmpty)
        #expect(parser.feed(Array("1~j".utf8)) == [.function(1), .character("j")])
    }

    @Test func aCutOffSequenceIsDroppedAndTheNextKeyCounts() {
        var parser = KeyParser()
        #expect(parser.feed(Array("\u{1B}[1".utf8)).isEmpty)
        #expect(parser.flush().isEmpty)
        #expect(parser.feed(Array("q".utf8)) == [.character("q")])
        #expect(keys("\u{1B}[1\r") == [.enter])
    }

    @Test func plainBytesAndUTF8() {
        #expect(keys("a\t\r\u{7F}é漢") == [.character("a"), .tab, .enter, .backspace, .character("é"), .character("漢")])
        // Esc and a key right after it in one read (a slow link, a script): both count.
        #expect(keys("\u{1B}2") == [.escape, .character("2")])
        #expect(keys("\u{1B}\r") == [.escape, .enter])
        var parser = KeyParser()
        #expect(parser.feed([0xE6, 0xBC]).isEmpty)
        #expect(parser.feed([0xA2]) == [.character("漢")])
    }

    @Test func terminfoPaddingIsNotWrittenOut() {
        #expect(CursesBackend.withoutPadding("\u{1B}[H\u{1B}[J$<50>") == "\u{1B}[H\u{1B}[J")
        #expect(CursesBackend.withoutPadding("\u{1B}[H$<2*>\u{1B}[J") == "\u{1B}[H\u{1B}[J")
    }
}
