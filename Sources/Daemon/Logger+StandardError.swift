import Logging

extension Logger {
    /// The daemon's log: every line on stderr (systemd's journal takes it from there).
    public static func standardError(level: Logger.Level) -> Logger {
        var logger = Logger(label: "mailgate") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = level
        return logger
    }
}
