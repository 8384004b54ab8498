/// Turns the bytes a terminal sends into keys, whole escape sequences at a time: the CSI
/// and SS3 forms of xterm, rxvt, PuTTY, the Linux console and vt100 (`ESC [ 4 ~` is End,
/// never Esc, `[`, `4`, `~`). A sequence it does not know is dropped whole; a lone Esc is
/// Esc only once the escape delay passes without a follow-up byte (`flush()`).
/// Pure: bytes in, keys out; the backend does the reading and the waiting.
public struct KeyParser: Hashable, Sendable {
    /// How long the backend waits after an Esc (or inside a sequence) before calling `flush()`.
    public static let escapeDelayMilliseconds = 50
    /// Longer than any real sequence: a run this long is noise and is dropped.
    static let longestSequence = 32

    private var pending: [UInt8] = []

    public init() {}

    /// True while an escape sequence or a multi-byte character is incomplete: the backend
    /// should read the next byte within the escape delay, then `flush()`.
    public var isWaiting: Bool { !pending.isEmpty }

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Key] {
        bytes.flatMap { feed($0) }
    }

    public mutating func feed(_ byte: UInt8) -> [Key] {
        guard let first = pending.first else { return start(byte) }
        if first == 0x1B { return continueSequence(byte) }
        return continueCharacter(byte)
    }

    /// No byte came within the escape delay: a lone Esc is the Esc key; a partial sequence
    /// or character is dropped.
    public mutating func flush() -> [Key] {
        defer { pending = [] }
        return pending == [0x1B] ? [.escape] : []
    }

    // MARK: Plain bytes

    private mutating func start(_ byte: UInt8) -> [Key] {
        switch byte {
        case 0x1B: pending = [byte]; return []
        case 0x09: return [.tab]
        case 0x0A, 0x0D: return [.enter]
        case 0x08, 0x7F: return [.backspace]
        case 0x00..<0x20: return []
        case 0x20..<0x80: return [.character(Character(Unicode.Scalar(byte)))]
        case 0xC2...0xF4: pending = [byte]; return []
        default: return []  // a stray continuation byte or an invalid lead
        }
    }

    private mutating func continueCharacter(_ byte: UInt8) -> [Key] {
        guard byte & 0xC0 == 0x80 else {
            pending = []
            return start(byte)
        }
        pending.append(byte)
        let lead = pending[0]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        guard pending.count == length else { return [] }
        defer { pending = [] }
        let text = String(decoding: pending, as: UTF8.self)
        guard let character = text.first, !text.unicodeScalars.contains("\u{FFFD}") else { return [] }
        return [.character(character)]
    }

    // MARK: Escape sequences

    private mutating func continueSequence(_ byte: UInt8) -> [Key] {
        if pending.count == 1 {
            switch byte {
            case UInt8(ascii: "["), UInt8(ascii: "O"):
                pending.append(byte)
                return []
            case 0x1B:
                return [.escape]  // Esc pressed twice: the first was a key, the second may start a sequence
            default:
                // Not a sequence: Esc, then a key typed right after it (over a slow link
                // both can come in one read). Alt plus a key reads the same way.
                pending = []
                return [.escape] + start(byte)
            }
        }
        // A control byte cannot be inside a sequence: the sequence was cut off; start over.
        if byte < 0x20 {
            pending = []
            return start(byte)
        }
        pending.append(byte)
        if isComplete {
            defer { pending = [] }
            return KeySequences.key(for: pending).map { [$0] } ?? []
        }
        if pending.count >= Self.longestSequence { pending = [] }
        return []
    }

    /// Whether `pending` (starting ESC [ or ESC O) is a whole sequence.
    private var isComplete: Bool {
        let body = pending.dropFirst(2)
        guard let last = body.last else { return false }
        if pending[1] == UInt8(ascii: "O") {
            // SS3: one final byte, after optional modifier digits (`ESC O 5 P`).
            return !(0x30...0x3B).contains(last)
        }
        // The Linux console's F1-F5: ESC [ [ A … ESC [ [ E.
        if body.first == UInt8(ascii: "[") { return body.count == 2 }
        // X10 mouse report: ESC [ M and three raw bytes.
        if body.first == UInt8(ascii: "M") { return body.count == 4 }
        // rxvt ends modified keys with $ (shift), ^ (control) or @ (both).
        if last == UInt8(ascii: "$") { return true }
        return (0x40...0x7E).contains(last)
    }
}
