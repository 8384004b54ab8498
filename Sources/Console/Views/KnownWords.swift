import Foundation

/// How the views say what the console does not know, or knows only as of a moment.
enum KnownWords {
    /// Nothing was ever loaded: the link state says why.
    static func nothingKnown(_ model: ConsoleModel) -> String {
        switch model.link {
        case .connecting: "connecting — nothing known yet"
        default: "not connected — nothing known"
        }
    }

    /// Shown while the link is down: the data are from before it dropped.
    static func asOf(_ time: Date) -> String { "last known at \(Formatting.clock(time)), link down" }
}
