/// Recognises the start of a PROXY header, to catch one sent by an untrusted (direct) client.
public enum ProxySignature {
    public enum Match: Hashable, Sendable {
        /// Starts with "PROXY ".
        case v1
        /// Starts with the 12-byte v2 signature.
        case v2
        /// Cannot be the start of either.
        case notProxy
        /// A strict prefix of one of them (or nothing yet): read more.
        case undecided
    }

    /// "PROXY " — the v1 text up to the protocol.
    public static let v1: [UInt8] = Array("PROXY ".utf8)
    /// \r\n\r\n\0\r\nQUIT\n
    public static let v2: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]

    /// Looks only at the first bytes: "a1 LOGIN" is `.notProxy` after one byte, "P" is `.undecided`.
    /// Inlinable, so that it is specialised for the caller's collection (the gate asks it about
    /// every direct connection's first bytes, in a NIO `ByteBufferView`).
    @inlinable
    public static func classify<Bytes: RandomAccessCollection>(_ prefix: Bytes) -> Match
    where Bytes.Element == UInt8, Bytes.Index == Int {
        switch (progress(of: prefix, against: v1), progress(of: prefix, against: v2)) {
        case (.complete, _): .v1
        case (_, .complete): .v2
        case (.partial, _), (_, .partial): .undecided
        case (.mismatch, .mismatch): .notProxy
        }
    }

    @usableFromInline enum Progress { case complete, partial, mismatch }

    @inlinable
    static func progress<Bytes: RandomAccessCollection>(of bytes: Bytes, against signature: [UInt8]) -> Progress
    where Bytes.Element == UInt8, Bytes.Index == Int {
        for (byte, expected) in zip(bytes, signature) where byte != expected { return .mismatch }
        return bytes.count >= signature.count ? .complete : .partial
    }
}
