/// Checks v1 address text that may still be arriving, so that a hopeless address is refused
/// at once. Full parsing is NetAddress's job; these only explain or look ahead.
enum V1AddressText {
    /// Why `text` is not (or, when incomplete, cannot become) a dotted-quad IPv4 address; nil if fine.
    static func ipv4Problem(_ text: ArraySlice<UInt8>, isComplete: Bool) -> String? {
        let parts = text.split(separator: ASCII.dot, omittingEmptySubsequences: false)
        guard parts.count <= 4 else { return "is not a dotted-quad IPv4 address" }
        for (index, part) in parts.enumerated() {
            let partIsComplete = index < parts.count - 1 || isComplete
            guard part.allSatisfy(ASCII.isDigit) else { return "is not a dotted-quad IPv4 address" }
            if part.count > 1 && part.first == ASCII.zero { return "has a leading zero" }
            if part.count > 3 || part.reduce(0, { $0 * 10 + Int($1 - ASCII.zero) }) > 255 { return "has an octet over 255" }
            if part.isEmpty && partIsComplete { return "is not a dotted-quad IPv4 address" }
        }
        if isComplete && parts.count != 4 { return "is not a dotted-quad IPv4 address" }
        return nil
    }

    /// Why the start of an address can never become IPv6 text; nil if it still might.
    /// Deliberately loose (group counts are left to the final parse): it must never refuse
    /// the prefix of a valid address.
    static func ipv6PrefixProblem(_ text: ArraySlice<UInt8>) -> String? {
        let notIPv6 = "is not an IPv6 address"
        // "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" is the longest valid form.
        guard text.count <= 45 else { return notIPv6 }
        guard text.allSatisfy({ ASCII.isHexDigit($0) || $0 == ASCII.colon || $0 == ASCII.dot }) else { return notIPv6 }
        // A leading colon must start "::". Checked on the whole text, not on the part before a
        // dotted tail: ":2." must be refused as ":2" is, whatever the chunking.
        if text.count >= 2 && text.first == ASCII.colon && text[text.startIndex + 1] != ASCII.colon {
            return notIPv6
        }
        var hexPart = text
        if let firstDot = text.firstIndex(of: ASCII.dot) {
            // A dotted IPv4 tail comes last and after a colon.
            guard !text[firstDot...].contains(ASCII.colon),
                  let lastColon = text[..<firstDot].lastIndex(of: ASCII.colon) else { return notIPv6 }
            if let problem = ipv4Problem(text[(lastColon + 1)...], isComplete: false) { return problem }
            hexPart = text[...lastColon]
        }
        let gaps = hexPart.indices.dropLast().filter { hexPart[$0] == ASCII.colon && hexPart[$0 + 1] == ASCII.colon }
        guard gaps.count <= 1 else { return notIPv6 }
        for group in hexPart.split(separator: ASCII.colon) where group.count > 4 || !group.allSatisfy(ASCII.isHexDigit) {
            return notIPv6
        }
        return nil
    }
}
