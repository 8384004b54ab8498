/// Writing `access.toml`: rendered from the model in a fixed, readable layout (not by
/// TOMLEncoder, which sorts keys and inlines everything), and replaced atomically.
extension AccessLists {
    /// Writes the lists to `path` atomically (temporary file, fsync, rename, fsync of the
    /// folder), keeping an existing file's permissions; a new file gets `newFileMode`.
    public func save(to path: String, newFileMode: UInt32 = 0o640) throws(ConfigurationProblem) {
        try FileText.writeAtomically(renderedAccessFile(), to: path, newFileMode: .init(newFileMode))
    }

    /// The access file's text: a header comment, then every whitelist entry, then every
    /// blacklist entry, keys in the order id, source, description, services, tcp_proxy
    /// (whitelist only), enabled, created, updated, by. Empty descriptions and absent
    /// bookkeeping fields are left out. `parse` reads it back to equal lists, provided
    /// the timestamps are whole seconds (see `AccessEntry.timestamp`).
    public func renderedAccessFile() -> String {
        var text = """
            # mailgate access file: the whitelist and the blacklist.
            # Written by mailgate. You may edit it by hand (then reload), but comments are not kept.
            # Keys: id, source, description, services, tcp_proxy (whitelist only: the source must
            # send a PROXY header first), enabled, created, updated, by.

            """
        for kind in ListKind.allCases {
            for entry in self[kind] {
                text += "\n[[\(kind.rawValue)]]\n"
                text += "id = \(entry.id.tomlQuoted)\n"
                text += "source = \(entry.source.description.tomlQuoted)\n"
                if !entry.description.isEmpty { text += "description = \(entry.description.tomlQuoted)\n" }
                text += "services = [\(entry.services.names.map(\.tomlQuoted).joined(separator: ", "))]\n"
                if kind == .whitelist { text += "tcp_proxy = \(entry.tcpProxy)\n" }
                text += "enabled = \(entry.enabled)\n"
                if let created = entry.created { text += "created = \(AccessFileTimestamp.render(created))\n" }
                if let updated = entry.updated { text += "updated = \(AccessFileTimestamp.render(updated))\n" }
                if let by = entry.by { text += "by = \(by.tomlQuoted)\n" }
            }
        }
        return text
    }
}
