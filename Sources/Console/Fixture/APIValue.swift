import Foundation

/// Builds control-API values from their JSON form, exactly as the API client will decode
/// them. The fixture uses it because the API types (module Control) keep their memberwise
/// initialisers internal; it also keeps the fixture honest about the wire format.
enum APIValue {
    static func decode<T: Decodable>(_ type: T.Type, _ object: Any) -> T {
        do {
            let data = try JSONSerialization.data(withJSONObject: object)
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            return try decoder.decode(T.self, from: data)
        } catch {
            fatalError("fixture JSON for \(T.self) does not decode: \(error)")
        }
    }

    static func encode(_ value: some Encodable) -> Any {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let data = try! encoder.encode(value)
        return try! JSONSerialization.jsonObject(with: data)
    }

    static func time(_ date: Date) -> Double { date.timeIntervalSince1970 }
}
