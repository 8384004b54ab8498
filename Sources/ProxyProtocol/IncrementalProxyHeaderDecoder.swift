/// Decides when `ProxyHeaderDecoder.decode` is worth calling again as a header arrives in
/// pieces, so that taking a header costs work linear in its length however it is chunked.
///
/// Decoding is pure and starts from the first byte each time; calling it on every read made
/// a 4 KiB v2 header sent one byte at a time cost ~8 million byte visits. Here:
/// - before a v2 header's length is known (its first 16 bytes) and for v1 (107 bytes at
///   most), every read is decoded: the work is bounded by a constant;
/// - once a v2 header's total length is known, the next attempt waits until the bytes have
///   doubled or the whole header is there. A bad TLV is still refused early, at most when
///   twice the bytes that show it have arrived; `settle` decodes whatever arrived when the
///   caller stops waiting (timeout, end of input), so the final verdict is always the one
///   the whole buffer gives.
public struct IncrementalProxyHeaderDecoder: Sendable {
    /// Calls made to `ProxyHeaderDecoder.decode`, and the bytes those calls looked at.
    public private(set) var attempts = 0
    public private(set) var bytesExamined = 0
    private var nextAttemptAt = 1

    public init() {}

    /// `bytes` is everything received so far (it only grows between calls).
    public mutating func decode<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> ProxyHeaderDecoding
    where Bytes.Element == UInt8, Bytes.Index == Int {
        guard bytes.count >= nextAttemptAt else { return .needMoreData }
        return attempt(bytes)
    }

    /// Decodes what arrived now, whatever the schedule: for the caller's last look.
    public mutating func settle<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> ProxyHeaderDecoding
    where Bytes.Element == UInt8, Bytes.Index == Int {
        attempt(bytes)
    }

    private mutating func attempt<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> ProxyHeaderDecoding
    where Bytes.Element == UInt8, Bytes.Index == Int {
        attempts += 1
        let count = bytes.count
        bytesExamined += min(count, ProxyHeaderDecoder.window(startingWith: bytes.first))
        let result = ProxyHeaderDecoder.decode(bytes)
        if case .needMoreData = result {
            nextAttemptAt = Self.nextAttempt(after: bytes)
        }
        return result
    }

    private static func nextAttempt<Bytes: RandomAccessCollection>(after bytes: Bytes) -> Int
    where Bytes.Element == UInt8, Bytes.Index == Int {
        let count = bytes.count
        guard count >= V2Wire.fixedLength, bytes.first == ProxySignature.v2[0] else { return count + 1 }
        let start = bytes.startIndex
        let length = Int(bytes[start + 14]) << 8 | Int(bytes[start + 15])
        let total = V2Wire.fixedLength + length
        return max(count + 1, min(total, 2 * count))
    }
}
