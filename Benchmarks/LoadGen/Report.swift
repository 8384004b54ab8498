import Foundation

/// One run's figures: printed as a JSON line (for the script) and as text (for people).
struct Report {
    enum Value {
        case int(Int), double(Double), bool(Bool), string(String)

        var json: String {
            switch self {
            case .int(let value): "\(value)"
            case .double(let value): value.isFinite ? String(format: "%.3f", value) : "null"
            case .bool(let value): "\(value)"
            case .string(let value): "\"\(value.replacingOccurrences(of: "\"", with: "\\\""))\""
            }
        }

        var text: String {
            switch self {
            case .double(let value): String(format: "%.1f", value)
            case .string(let value): value
            default: json
            }
        }
    }

    private var fields: [(String, Value)] = []

    init(label: String, mode: String) {
        self["label"] = .string(label)
        self["mode"] = .string(mode)
    }

    subscript(key: String) -> Value? {
        get { fields.first { $0.0 == key }?.1 }
        set {
            fields.removeAll { $0.0 == key }
            if let newValue { fields.append((key, newValue)) }
        }
    }

    var jsonLine: String {
        "{" + fields.map { "\"\($0.0)\":\($0.1.json)" }.joined(separator: ",") + "}"
    }

    var text: String {
        fields.map { "\($0.0)=\($0.1.text)" }.joined(separator: " ")
    }
}
