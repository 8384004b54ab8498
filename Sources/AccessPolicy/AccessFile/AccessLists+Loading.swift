/// Reading `access.toml`: the whitelist and blacklist.
extension AccessLists {
    /// Reads and validates the access file at `path`. `knownServices` are the services
    /// the listeners define: an entry may name only those (or "all"). With
    /// `createIfMissing`, a missing file is created empty (header comment only) and
    /// empty lists are returned; otherwise it is a problem. Every problem found is thrown
    /// together, each as `FILE:LINE: message`.
    public static func load(path: String, knownServices: Set<String>,
                            createIfMissing: Bool = false) throws(ConfigurationProblems) -> AccessLists {
        if createIfMissing && FileText.isMissing(path) {
            let empty = AccessLists()
            do { try empty.save(to: path) } catch { throw ConfigurationProblems([error]) }
            return empty
        }
        let text: String
        do { text = try FileText.contents(of: path) } catch { throw ConfigurationProblems([error]) }
        return try parse(text, path: path, knownServices: knownServices)
    }

    /// Validates access-file text as if read from `path` (which names the file in messages).
    public static func parse(_ text: String, path: String,
                             knownServices: Set<String>) throws(ConfigurationProblems) -> AccessLists {
        let document = try TOMLDocument(text: text, file: path)
        let lists = AccessFileReader(top: document.rootSection, knownServices: knownServices).read()
        try document.finish()
        return lists
    }
}

extension GateConfiguration {
    /// The access file this configuration names, checked against its listeners' services.
    public func loadAccessLists(createIfMissing: Bool = false) throws(ConfigurationProblems) -> AccessLists {
        try AccessLists.load(path: accessFile, knownServices: Set(serviceNames), createIfMissing: createIfMissing)
    }
}
