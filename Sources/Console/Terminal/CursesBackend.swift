import CNCurses
import Foundation

/// The one place that talks to curses (the htop CRT.c model). It flushes a `CellBuffer`
/// by drawing only the cells that changed since the last flush, then `wnoutrefresh` +
/// `doupdate`, so an ssh link carries only the difference.
public final class CursesBackend: TerminalBackend {
    public enum StartError: Error, CustomStringConvertible {
        case noTerminal(String)
        public var description: String {
            switch self {
            case .noTerminal(let term):
                "cannot start the console on this terminal (TERM=\(term)); run it in a terminal, or set TERM (e.g. xterm-256color)"
            }
        }
    }

    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private var previous: CellBuffer?
    private var styles: [ColorRole: (attributes: attr_t, pair: Int16)] = [:]
    private let mouse: Bool
    /// Sequences curses does not know (its terminfo entry lacks them) come through as bytes.
    private var parser = KeyParser()
    private var queued: [Key] = []
    /// The terminal's clear-screen string when it has no alternate screen (vt100, linux):
    /// the console's last screen is wiped on exit rather than left behind.
    private let clearOnExit: String?

    /// `installSignalHandlers`: end curses and exit on SIGINT/SIGTERM; off when the caller
    /// handles those signals itself (the demo stops its gate first).
    public init(theme: Theme, mouse: Bool, installSignalHandlers: Bool = true) throws {
        setenv("NCURSES_NO_UTF8_ACS", "1", 0)
        setlocale(LC_ALL, "")
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0,
              let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r"),
              let screen = newterm(nil, output, input) else {
            throw StartError.noTerminal(ProcessInfo.processInfo.environment["TERM"] ?? "unset")
        }
        self.screen = screen
        set_term(screen)
        window = mg_stdscr()
        self.mouse = mouse
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        meta(window, true)
        set_escdelay(25)
        clearOnExit = mg_capability("smcup") == nil ? mg_capability("clear").map { Self.withoutPadding(String(cString: $0)) } : nil
        curs_set(0)
        if mouse { mousemask(mg_all_mouse_events(), nil); mouseinterval(0) }
        setUpColours(theme)
        if installSignalHandlers {
            SignalExitClear.prepare(clearOnExit)
            signal(SIGINT) { _ in endwin(); SignalExitClear.write(); exit(130) }
            signal(SIGTERM) { _ in endwin(); SignalExitClear.write(); exit(143) }
        }
    }

    /// One colour pair per role, over the terminal's own background; without colour
    /// support only the attributes of the theme are used.
    private func setUpColours(_ theme: Theme) {
        let colours = has_colors() && start_color() == OK
        if colours { use_default_colors() }
        let available = colours ? Int(mg_colors()) : 0
        for (index, role) in ColorRole.allCases.enumerated() {
            let style = theme.style(role)
            var attributes = mg_a_normal()
            if style.attributes.contains(.bold) { attributes |= mg_a_bold() }
            if style.attributes.contains(.underline) { attributes |= mg_a_underline() }
            if style.attributes.contains(.reverse) { attributes |= mg_a_reverse() }
            if style.attributes.contains(.dim) { attributes |= mg_a_dim() }
            var pair: Int16 = 0
            if colours, index + 1 < Int(mg_color_pairs()) {
                pair = Int16(index + 1)
                init_pair(pair, Int16(style.foreground.number(available: available)),
                          Int16(style.background.number(available: available)))
            } else if !colours, Self.reverseWithoutColour.contains(role) {
                attributes |= mg_a_reverse()
            }
            styles[role] = (attributes, pair)
        }
    }

    /// Roles that need reverse video on a terminal without colour (vt100) to stay apart:
    /// the selection, focus, the banners and the TCP Proxy warning.
    static let reverseWithoutColour: Set<ColorRole> = [.selected, .buttonFocused, .banner, .topBar, .danger, .dangerTitle]

    public var size: (width: Int, height: Int) { (Int(mg_cols()), Int(mg_lines())) }

    public func flush(_ buffer: CellBuffer) {
        let full = previous.map { $0.width != buffer.width || $0.height != buffer.height } ?? true
        if full { clearok(window, true) }
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                let cell = buffer[x, y]
                if !full, let previous, previous[x, y] == cell { continue }
                if cell.isContinuation {
                    if x > 0 { draw(buffer[x - 1, y], x: x - 1, y: y) }
                } else {
                    draw(cell, x: x, y: y)
                }
            }
        }
        previous = buffer
        wnoutrefresh(window)
        doupdate()
    }

    private func draw(_ cell: Cell, x: Int, y: Int) {
        let style = styles[cell.role] ?? (mg_a_normal(), 0)
        var attributes = style.attributes
        if cell.attributes.contains(.bold) { attributes |= mg_a_bold() }
        if cell.attributes.contains(.underline) { attributes |= mg_a_underline() }
        if cell.attributes.contains(.reverse) { attributes |= mg_a_reverse() }
        if cell.attributes.contains(.dim) { attributes |= mg_a_dim() }
        var wide = cell.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        if wide.isEmpty { wide = [wchar_t(32)] }
        wide.append(0)
        _ = mg_put_cell(window, Int32(y), Int32(x), wide, attributes, style.pair)
    }

    /// Keys curses decodes from terminfo come as key codes; every other byte goes through
    /// the `KeyParser`, which waits (the escape delay) for the rest of a sequence.
    public func readKey(timeoutMilliseconds: Int) -> Key? {
        while queued.isEmpty {
            wtimeout(window, Int32(parser.isWaiting ? KeyParser.escapeDelayMilliseconds : timeoutMilliseconds))
            let code = wgetch(window)
            if code == ERR {
                guard parser.isWaiting else { return nil }
                queued += parser.flush()
                if queued.isEmpty { return nil }
            } else if code >= KEY_MIN {
                queued += parser.flush()
                if let key = functionKey(code) { queued.append(key) }
            } else {
                queued += parser.feed(UInt8(truncatingIfNeeded: code))
            }
        }
        return queued.removeFirst()
    }

    private func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_NPAGE: return .pageDown
        case KEY_PPAGE: return .pageUp
        case KEY_DC: return .delete
        case KEY_BACKSPACE: return .backspace
        case KEY_ENTER: return .enter
        case mg_key_btab(): return .backTab
        case mg_key_resize():
            previous = nil
            return .resize
        case KEY_MOUSE:
            guard mouse else { return nil }
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            var buttons: MouseButtons = []
            if event.bstate & mg_button4_pressed() != 0 { buttons.insert(.wheelUp) }
            if mg_button5_pressed() != 0, event.bstate & mg_button5_pressed() != 0 { buttons.insert(.wheelDown) }
            if event.bstate & mg_button1_clicked() != 0 { buttons.insert(.leftPress) }
            return .mouse(x: Int(event.x), y: Int(event.y), buttons: buttons)
        default:
            for n in 1...12 where code == mg_key_f(Int32(n)) { return .function(n) }
            return boundKey(code)
        }
    }

    /// A key code curses made up for an extended terminfo key (`kcbt2=\E[Z` on the Linux
    /// console, `kEND5`, …): what its sequence means to the `KeyParser`, or nil.
    private func boundKey(_ code: Int32) -> Key? {
        guard let bound = keybound(code, 0) else { return nil }
        defer { free(bound) }
        var parser = KeyParser()
        let length = strlen(bound)
        let bytes = UnsafeRawBufferPointer(start: bound, count: length)
        let keys = parser.feed(Array(bytes)) + parser.flush()
        return keys.count == 1 ? keys[0] : nil
    }

    public func shutdown() {
        endwin()
        delscreen(screen)
        if let clearOnExit {
            let bytes = Array(clearOnExit.utf8)
            _ = bytes.withUnsafeBufferPointer { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        }
    }

    /// A terminfo string without its padding (`$<50>`), to write it ourselves.
    static func withoutPadding(_ capability: String) -> String {
        var result = ""
        var rest = Substring(capability)
        while let start = rest.range(of: "$<") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: ">") else { return result }
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}

/// The clear-screen bytes for a signal's exit (Ctrl-C, SIGTERM) on a terminal without an
/// alternate screen, prepared in advance: a signal handler may only `write(2)` what exists.
enum SignalExitClear {
    nonisolated(unsafe) private static var bytes: UnsafeMutableBufferPointer<UInt8>?

    static func prepare(_ text: String?) {
        guard let text, bytes == nil else { return }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.utf8.count)
        _ = buffer.initialize(from: text.utf8)
        bytes = buffer
    }

    static func write() {
        guard let bytes else { return }
        _ = Glibc.write(STDOUT_FILENO, bytes.baseAddress, bytes.count)
    }
}
