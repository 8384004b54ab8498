import NetAddress
import PropertyBased
import ProxyProtocol
import Testing

/// Whether bytes are refused, decoded or waited on must not depend on how they are chunked,
/// and taking a header must cost work linear in its length.
@Suite struct ChunkingTests {
    /// The answer for `bytes` as the gate would give it having received them all at once…
    static func wholeVerdict(_ bytes: [UInt8]) -> Verdict { Verdict(ProxyHeaderDecoder.decode(bytes)) }

    /// …and having received them one byte at a time: the first answer that is not "more".
    static func byteByByteVerdict(_ bytes: [UInt8]) -> Verdict {
        for count in 1...max(1, bytes.count) where count <= bytes.count {
            let verdict = Verdict(ProxyHeaderDecoder.decode(bytes[0..<count]))
            if verdict != .needMoreData { return verdict }
        }
        return .needMoreData
    }

    @Test func leadingColonBeforeADottedTailIsRefusedAsWithoutIt() {
        for text in ["PROXY TCP6 :2", "PROXY TCP6 :2.", "PROXY TCP6 :2.3", "PROXY TCP6 :ab:1.2"] {
            #expect(invalidReason(ProxyHeaderDecoder.decode(ascii(text))) != nil, "\(text)")
        }
        #expect(Self.wholeVerdict(ascii("PROXY TCP6 :2.")) == Self.byteByByteVerdict(ascii("PROXY TCP6 :2.")))
        // "::" and a dotted tail after it stay valid.
        #expect(ProxyHeaderDecoder.decode(ascii("PROXY TCP6 ::1.2")) == .needMoreData)
        #expect(decodedHeader(ProxyHeaderDecoder.decode(ascii("PROXY TCP6 ::1.2.3.4 ::1 1 2\r\n"))) != nil)
    }

    /// v1 lines whose fields come from a small alphabet, often cut short: that reaches the corners
    /// of the line grammar (colons, dots, spaces, CR/LF, a field still arriving) far more often
    /// than random bytes do. (It found "PROXY TCP6 :2." waiting where "PROXY TCP6 :2" is refused.)
    static let v1Text = Generator<[UInt8], Shrink.None<[UInt8]>>(run: { rng in
        let protocols = ["TCP4", "TCP6", "TCP6", "UNKNOWN", "TCP", ""]
        let symbols: [Character] = Array(":.12af0") + [":", "."]
        var text = "PROXY " + protocols.randomElement(using: &rng)!
        for _ in 0..<Int.random(in: 0...5, using: &rng) {
            text += Int.random(in: 0..<12, using: &rng) == 0 ? "  " : " "
            for _ in 0..<Int.random(in: 0...7, using: &rng) { text.append(symbols.randomElement(using: &rng)!) }
        }
        if Bool.random(using: &rng) { text += ["\r\n", "\r", "\n", "\r\nX"].randomElement(using: &rng)! }
        var bytes = ascii(text)
        if Bool.random(using: &rng) { bytes = Array(bytes.prefix(Int.random(in: 6...bytes.count, using: &rng))) }
        return bytes
    })

    /// Checked for the input and every prefix of it (each is an input too).
    static func expectSameVerdictWholeAndByteByByte(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        var byteByByte = Verdict.needMoreData
        for count in 0...bytes.count {
            let whole = Verdict(ProxyHeaderDecoder.decode(bytes[0..<count]))
            if byteByByte == .needMoreData { byteByByte = whole }
            if whole != byteByByte {
                let text = String(decoding: bytes[0..<count], as: UTF8.self).debugDescription
                Issue.record("\(text): \(whole) whole, \(byteByByte) byte by byte", sourceLocation: sourceLocation)
                return
            }
        }
    }

    @Test func v1TextGetsTheSameVerdictWholeAndByteByByte() async {
        await propertyCheck(count: 3000, input: Self.v1Text) { bytes in
            Self.expectSameVerdictWholeAndByteByByte(bytes)
        }
    }

    @Test func mutatedHeadersGetTheSameVerdictWholeAndByteByByte() async {
        await propertyCheck(count: 500, input: Generators.mutatedHeader) { bytes in
            Self.expectSameVerdictWholeAndByteByByte(bytes)
        }
    }

    /// The gate's way in: any chunking, then a last look (`settle`) when it stops waiting.
    @Test func incrementalDecodingInAnyChunksEndsWithTheWholeVerdict() async {
        await propertyCheck(count: 500, input: Generators.mutatedHeader, Gen<Int>.value(in: 1...64).array(of: 1...40)) { bytes, cuts in
            var decoder = IncrementalProxyHeaderDecoder()
            var received = 0
            var verdict = Verdict.needMoreData
            for cut in cuts + [bytes.count] where verdict == .needMoreData && received < bytes.count {
                received = min(bytes.count, received + cut)
                verdict = Verdict(decoder.decode(bytes[0..<received]))
            }
            if verdict == .needMoreData && received < bytes.count {
                received = bytes.count
                verdict = Verdict(decoder.decode(bytes))
            }
            if verdict == .needMoreData { verdict = Verdict(decoder.settle(bytes)) }
            #expect(verdict == Self.wholeVerdict(bytes), "\(bytes) cut \(cuts)")
        }
    }

    /// The largest header we accept, one byte at a time: the decoder must not start over on
    /// every byte (that was ~4,000 decodes looking at ~8 million bytes in all).
    @Test func aFourKilobyteV2HeaderByteByByteCostsLinearWork() throws {
        let header = ProxyHeader(version: .v2, command: .proxy, transport: .stream,
                                 addresses: .inet(source: endpoint("192.0.2.1:12345"), destination: endpoint("198.51.100.2:25")),
                                 tlvs: [.noop(length: ProxyHeaderDecoder.maximumV2Length - 16 - 12 - 3)])
        let bytes = header.encoded()
        #expect(bytes.count == ProxyHeaderDecoder.maximumV2Length)
        var decoder = IncrementalProxyHeaderDecoder()
        var result = ProxyHeaderDecoding.needMoreData
        for count in 1...bytes.count {
            result = decoder.decode(bytes[0..<count])
            if result != .needMoreData {
                #expect(count == bytes.count)
                break
            }
        }
        #expect(result == .decoded(header, consumed: bytes.count))
        // 16 attempts for the fixed part, then one per doubling (32, 64, … 2048) and the whole.
        #expect(decoder.attempts <= 16 + 8 + 1, "\(decoder.attempts) attempts")
        #expect(decoder.bytesExamined <= 3 * bytes.count, "\(decoder.bytesExamined) bytes examined for a \(bytes.count)-byte header")
    }

    @Test func aV1LineByteByByteLooksAtABoundedNumberOfBytes() {
        let bytes = ascii("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe 65535 65535\r\n")
        var decoder = IncrementalProxyHeaderDecoder()
        var result = ProxyHeaderDecoding.needMoreData
        for count in 1...bytes.count where result == .needMoreData {
            result = decoder.decode(bytes[0..<count])
        }
        #expect(decodedHeader(result) != nil)
        #expect(decoder.bytesExamined <= ProxyHeaderDecoder.maximumV1Length * ProxyHeaderDecoder.maximumV1Length / 2 + 200)
    }
}

/// A decoder answer without the wording of its reason (chunking may change which problem is seen first).
enum Verdict: Hashable, CustomStringConvertible {
    case needMoreData
    case decoded(ProxyHeader, consumed: Int)
    case invalid

    init(_ result: ProxyHeaderDecoding) {
        switch result {
        case .needMoreData: self = .needMoreData
        case .decoded(let header, let consumed): self = .decoded(header, consumed: consumed)
        case .invalid: self = .invalid
        }
    }

    var description: String {
        switch self {
        case .needMoreData: "needMoreData"
        case .decoded(_, let consumed): "decoded(\(consumed) bytes)"
        case .invalid: "invalid"
        }
    }
}
