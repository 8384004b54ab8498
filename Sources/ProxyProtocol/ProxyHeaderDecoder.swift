/// Decodes a PROXY protocol v1 or v2 header from the start of a connection's bytes.
/// Pure and stateless: the caller accumulates what it has received and asks again.
public enum ProxyHeaderDecoder {
    /// The spec's bound on a v1 line, CRLF included.
    public static let maximumV1Length = 107
    /// Our bound on a v2 header (16 fixed bytes + length). The format allows 65551, but a
    /// header carrying addresses and the usual TLVs is far smaller; refusing early keeps a
    /// hostile length from making us buffer.
    public static let maximumV2Length = 4096

    /// How many bytes a decode looks at: a v1 line is done (or refused) within 107.
    static func window(startingWith first: UInt8?) -> Int {
        first == ProxySignature.v1[0] ? maximumV1Length : maximumV2Length
    }

    /// Answers `.invalid` as soon as the bytes can no longer become a valid header
    /// ("PROXZ", "PROXY TCP5", a v2 version nibble of 1) rather than waiting for more.
    public static func decode<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> ProxyHeaderDecoding
    where Bytes.Element == UInt8, Bytes.Index == Int {
        // A bounded copy: the parsers then index from 0 whatever the caller's startIndex,
        // and nothing past the longest acceptable header is ever needed.
        // Contiguous storage (arrays, NIO's ByteBufferView) is copied in one go: this generic
        // entry point is not specialised across modules, and a per-byte copy dominated.
        let limit = window(startingWith: bytes.first)
        let window = bytes.withContiguousStorageIfAvailable { Array($0.prefix(limit)) } ?? Array(bytes.prefix(limit))
        guard let first = window.first else { return .needMoreData }
        do throws(ProxyHeaderError) {
            let result: (header: ProxyHeader, consumed: Int)?
            switch first {
            case ProxySignature.v1[0]: result = try decodeV1(window)
            case ProxySignature.v2[0]: result = try decodeV2(window)
            default:
                throw ProxyHeaderError(
                    reason: "not a PROXY header: first byte \(hex(first)) starts neither \"PROXY \" nor the v2 signature")
            }
            guard let result else { return .needMoreData }
            return .decoded(result.header, consumed: result.consumed)
        } catch {
            return .invalid(error)
        }
    }
}
