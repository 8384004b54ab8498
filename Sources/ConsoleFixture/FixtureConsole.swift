import Console
import Foundation

/// `mailgate tui --fixture`: the console over built-in sample data.
public enum FixtureConsole {
    public static func run(theme: Theme, readonly: Bool, mouse: Bool) throws {
        let backend = try CursesBackend(theme: theme, mouse: mouse)
        defer { backend.shutdown() }
        var daemon = FixtureDaemon(now: Date())
        daemon.synthesizeTraffic = true
        var model = ConsoleModel(now: Date(), link: .fixture, readonly: readonly)
        daemon.load(into: &model)
        let app = ConsoleApp(model: model, backend: backend,
                             perform: { command, model in daemon.perform(command, model: &model) },
                             onTick: { model in daemon.tick(model: &model) })
        app.run()
    }
}
