import Foundation

/// The main loop (htop style): render the model, flush, wait for a key with the refresh
/// tick as timeout, hand the key to the model, carry out its commands.
public final class ConsoleApp {
    public private(set) var model: ConsoleModel
    let backend: TerminalBackend
    let tickMilliseconds: Int
    let clock: () -> Date
    let perform: (ConsoleCommand, inout ConsoleModel) -> Void
    let onTick: (inout ConsoleModel) -> Void

    public init(model: ConsoleModel, backend: TerminalBackend, tickMilliseconds: Int = 250,
                clock: @escaping () -> Date = Date.init,
                perform: @escaping (ConsoleCommand, inout ConsoleModel) -> Void,
                onTick: @escaping (inout ConsoleModel) -> Void = { _ in }) {
        self.model = model
        self.backend = backend
        self.tickMilliseconds = tickMilliseconds
        self.clock = clock
        self.perform = perform
        self.onTick = onTick
    }

    /// One frame: tick, draw, read at most one key. Returns false once the console should end.
    @discardableResult
    public func step() -> Bool {
        model.tick(now: clock())
        onTick(&model)
        let (width, height) = backend.size
        model.pageSize = ConsoleScreen.pageSize(height: height)
        let frame = ConsoleScreen.render(model, width: width, height: height)
        backend.flush(frame)
        guard let key = backend.readKey(timeoutMilliseconds: tickMilliseconds) else { return !model.quitRequested }
        let tooSmall = width < TooSmallScreen.minimumWidth || height < TooSmallScreen.minimumHeight
        if tooSmall, key != .character("q"), key != .function(10) { return true }
        // A click means what is drawn where it landed, in the frame the user saw.
        let commands = if case .click(let x, let y) = key { model.click(frame.target(atX: x, y: y)) } else { model.handle(key) }
        for command in commands { perform(command, &model) }
        return !model.quitRequested
    }

    public func run() {
        while step() {}
    }
}
