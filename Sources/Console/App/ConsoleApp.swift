import Foundation

/// The main loop (htop style): render the model, flush, wait for a key with the refresh
/// tick as timeout, hand the key to the model, carry out its commands. Input first: a key's
/// answer is drawn at once, before the events that queued meanwhile are applied; without a
/// key, frames come at most one per `minimumFrameMilliseconds`, however fast the events do.
public final class ConsoleApp {
    public private(set) var model: ConsoleModel
    let backend: TerminalBackend
    let tickMilliseconds: Int
    let clock: () -> Date
    let perform: (ConsoleCommand, inout ConsoleModel) -> Void
    let onTick: (inout ConsoleModel) -> Void
    /// Whether `onTick` has something new to apply (the session's mailbox is not empty).
    let hasNews: () -> Bool
    /// The shortest time between two frames (or two drains of the mailbox) no key asked for.
    public var minimumFrameMilliseconds = 50
    private var lastFrame: UInt64 = 0
    private var lastDrain: UInt64 = 0
    private var keyHandled = true
    /// The last frame drawn: a click is looked up in what the user saw.
    private var shownFrame: CellBuffer?

    public init(model: ConsoleModel, backend: TerminalBackend, tickMilliseconds: Int = 250,
                clock: @escaping () -> Date = Date.init,
                perform: @escaping (ConsoleCommand, inout ConsoleModel) -> Void,
                onTick: @escaping (inout ConsoleModel) -> Void = { _ in },
                hasNews: @escaping () -> Bool = { false }) {
        self.model = model
        self.backend = backend
        self.tickMilliseconds = tickMilliseconds
        self.clock = clock
        self.perform = perform
        self.onTick = onTick
        self.hasNews = hasNews
    }

    static func milliseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds / 1_000_000 }

    /// One round: tick, apply what the network posted, draw (at once after a key; when news
    /// came and the last frame is `minimumFrameMilliseconds` old; else once a tick, for the
    /// clock), wait for a key. Returns false once the console should end.
    @discardableResult
    public func step() -> Bool {
        model.tick(now: clock())
        var now = Self.milliseconds()
        let minimum = UInt64(minimumFrameMilliseconds)
        let news = hasNews()
        // After a key the events wait for the next round, unless they have waited a frame already.
        if !keyHandled || now >= lastDrain + minimum {
            onTick(&model)
            lastDrain = now
        }
        let (width, height) = backend.size
        if keyHandled || now >= lastFrame + UInt64(tickMilliseconds) || (news && now >= lastFrame + minimum) {
            model.pageSize = ConsoleScreen.pageSize(height: height)
            let frame = ConsoleScreen.render(model, width: width, height: height)
            backend.flush(frame)
            shownFrame = frame
            now = Self.milliseconds()
            lastFrame = now
            keyHandled = false
        }
        // With news waiting, wake for the next frame; idle, for the next tick.
        let next = lastFrame + (hasNews() ? minimum : UInt64(tickMilliseconds))
        let wait = Int(max(1, next > now ? next - now : 1))
        guard let key = backend.readKey(timeoutMilliseconds: wait) else { return !model.quitRequested }
        keyHandled = true
        let tooSmall = width < TooSmallScreen.minimumWidth || height < TooSmallScreen.minimumHeight
        if tooSmall, key != .character("q"), key != .function(10) { return true }
        // A click means what is drawn where it landed, in the frame the user saw.
        let commands = if case .click(let x, let y) = key { model.click(shownFrame?.target(atX: x, y: y)) } else { model.handle(key) }
        for command in commands { perform(command, &model) }
        return !model.quitRequested
    }

    public func run() {
        while step() {}
    }
}
