/// The answer of `ProxyHeaderDecoder.decode` for the bytes received so far.
public enum ProxyHeaderDecoding: Hashable, Sendable {
    /// Everything so far is the start of a valid header; read more and decode again.
    case needMoreData
    /// `consumed` is the header's length; bytes after it belong to the client's stream.
    case decoded(ProxyHeader, consumed: Int)
    /// The bytes can no longer become a valid header, whatever follows.
    case invalid(ProxyHeaderError)
}
