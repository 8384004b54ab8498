/// What a whole escape sequence means, for the terminals people use: xterm and its
/// descendants (CSI and SS3 forms, `ESC [ 1 ; 5 A` with modifiers), rxvt (`ESC [ 7 ~` Home,
/// `ESC [ 8 ~` End, `ESC [ a` shifted arrows), PuTTY and vt220 (`ESC [ 11 ~` … F-keys),
/// the Linux console (`ESC [ [ A` F1) and vt100 (`ESC O P` PF1, the application keypad).
/// Modifiers are ignored: Ctrl-Up moves like Up. Nil means a key the console has no use for.
enum KeySequences {
    static func key(for sequence: [UInt8]) -> Key? {
        guard sequence.count >= 3, sequence[0] == 0x1B else { return nil }
        let body = Array(sequence.dropFirst(2))
        switch sequence[1] {
        case UInt8(ascii: "O"): return ss3(final: body.last!)
        case UInt8(ascii: "["): return csi(body)
        default: return nil
        }
    }

    /// `ESC O x`: cursor keys in application mode, PF1-PF4, the application keypad.
    static func ss3(final: UInt8) -> Key? {
        switch Character(Unicode.Scalar(final)) {
        case "A", "a": .up
        case "B", "b": .down
        case "C", "c": .right
        case "D", "d": .left
        case "H": .home
        case "F": .end
        case "P": .function(1)
        case "Q": .function(2)
        case "R": .function(3)
        case "S": .function(4)
        case "M": .enter
        case "p", "q", "r", "s", "t", "u", "v", "w", "x", "y": .character(Character(Unicode.Scalar(final - UInt8(ascii: "p") + UInt8(ascii: "0"))))
        case "j": .character("*")
        case "k": .character("+")
        case "l": .character(",")
        case "m": .character("-")
        case "n": .character(".")
        case "o": .character("/")
        case "X": .character("=")
        default: nil
        }
    }

    /// `ESC [ params final`.
    static func csi(_ body: [UInt8]) -> Key? {
        guard let final = body.last else { return nil }
        if body.first == UInt8(ascii: "[") {
            // The Linux console's F1-F5.
            guard body.count == 2, (UInt8(ascii: "A")...UInt8(ascii: "E")).contains(final) else { return nil }
            return .function(Int(final - UInt8(ascii: "A")) + 1)
        }
        let parameters = body.dropLast()
        // Private parameters (`<` mouse, `?` reports) and X10 mouse reports are not keys.
        if let lead = parameters.first, (UInt8(ascii: "<")...UInt8(ascii: "?")).contains(lead) { return nil }
        if body.first == UInt8(ascii: "M") { return nil }
        guard parameters.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: ";")).contains($0) }) else { return nil }
        let numbers = String(decoding: parameters, as: UTF8.self).split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        switch Character(Unicode.Scalar(final)) {
        case "~", "$", "^", "@":
            guard let first = numbers.first, let n = first else { return nil }
            return tilde(n)
        case "A", "a": return .up
        case "B", "b": return .down
        case "C", "c": return .right
        case "D", "d": return .left
        case "H": return .home
        case "F": return .end
        case "Z": return .backTab
        case "P": return .function(1)
        case "Q": return .function(2)
        case "R": return numbers.count == 2 && numbers[0] == 1 ? .function(3) : nil  // ESC [ row ; col R is a cursor report
        case "S": return .function(4)
        default: return nil
        }
    }

    /// `ESC [ n ~` (vt220, PuTTY, rxvt, the Linux console).
    static func tilde(_ n: Int) -> Key? {
        switch n {
        case 1, 7: .home
        case 3: .delete
        case 4, 8: .end
        case 5: .pageUp
        case 6: .pageDown
        case 11...15: .function(n - 10)
        case 17...21: .function(n - 11)
        case 23, 24: .function(n - 12)
        default: nil  // 2 Insert, 200/201 paste brackets, the rest
        }
    }
}
