/// Where a value sits in a TOML document: keys and array indexes from the root,
/// e.g. `listener[1].upstream`. Used to find the line a value was written on.
public struct TOMLPath: Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    public init(arrayLiteral elements: Component...) {
        self.components = elements
    }

    public static let root = TOMLPath()

    public func appending(_ key: String) -> TOMLPath { TOMLPath(components + [.key(key)]) }
    public func appending(index: Int) -> TOMLPath { TOMLPath(components + [.index(index)]) }

    public var parent: TOMLPath? { components.isEmpty ? nil : TOMLPath(Array(components.dropLast())) }

    public func hasPrefix(_ prefix: TOMLPath) -> Bool {
        components.count >= prefix.components.count && Array(components.prefix(prefix.components.count)) == prefix.components
    }

    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                let bare = !key.isEmpty && key.utf8.allSatisfy { $0.isBareKeyByte }
                if !text.isEmpty { text += "." }
                text += bare ? key : "\"\(key)\""
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}

extension UInt8 {
    /// `A-Z a-z 0-9 _ -`: the bytes of a TOML bare key.
    var isBareKeyByte: Bool {
        (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) || (0x30...0x39).contains(self)
            || self == UInt8(ascii: "_") || self == UInt8(ascii: "-")
    }
}
