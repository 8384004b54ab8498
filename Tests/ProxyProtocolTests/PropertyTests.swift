import NetAddress
import PropertyBased
import ProxyProtocol
import Testing

@Suite struct PropertyTests {
    @Test func v1HeadersSurviveEncodeThenDecode() async {
        await propertyCheck(count: 300, input: Generators.v1Header) { header in
            let bytes = header.encoded()
            #expect(bytes.count <= ProxyHeaderDecoder.maximumV1Length)
            #expect(ProxyHeaderDecoder.decode(bytes) == .decoded(header, consumed: bytes.count))
        }
    }

    @Test func v2HeadersSurviveEncodeThenDecode() async {
        await propertyCheck(count: 300, input: Generators.v2Header) { header in
            let bytes = header.encoded()
            #expect(ProxyHeaderDecoder.decode(bytes) == .decoded(header, consumed: bytes.count))
        }
    }

    @Test func checksummedV2HeadersDecodeWithTheirCRC32CAppended() async {
        await propertyCheck(count: 200, input: Generators.v2Header.filter { $0.command == .proxy }) { header in
            let bytes = header.encoded(checksum: true)
            guard case .decoded(var decoded, let consumed) = ProxyHeaderDecoder.decode(bytes) else {
                Issue.record("did not decode: \(ProxyHeaderDecoder.decode(bytes))")
                return
            }
            #expect(consumed == bytes.count)
            let checksum = decoded.tlvs.popLast()
            #expect(checksum.map { if case .crc32c = $0 { true } else { false } } == true)
            #expect(decoded == header)
        }
    }

    @Test func bytesAfterAHeaderAreLeftForTheClientStream() async {
        await propertyCheck(input: Generators.encodedHeader, Gen<UInt8>.value(in: 0...255).array(of: 1...40)) { bytes, tail in
            guard case .decoded(let header, let consumed) = ProxyHeaderDecoder.decode(bytes) else {
                Issue.record("valid header did not decode")
                return
            }
            #expect(consumed == bytes.count)
            #expect(ProxyHeaderDecoder.decode(bytes + tail) == .decoded(header, consumed: bytes.count))
        }
    }

    @Test func everyStrictPrefixOfAValidHeaderNeedsMoreData() async {
        await propertyCheck(count: 200, input: Generators.encodedHeader) { bytes in
            for count in 0..<bytes.count {
                let result = ProxyHeaderDecoder.decode(bytes[0..<count])
                #expect(result == .needMoreData, "prefix of \(count) bytes of \(bytes)")
                if result != .needMoreData { return }
            }
        }
    }

    @Test func noPrefixOfAValidHeaderClassifiesAsNotProxy() async {
        await propertyCheck(count: 200, input: Generators.encodedHeader) { bytes in
            for count in 0...bytes.count {
                #expect(ProxySignature.classify(bytes.prefix(count)) != .notProxy, "prefix of \(count) bytes")
            }
        }
    }

    /// Fed one byte more at a time, the decoder says .needMoreData until it gives a final answer,
    /// which more bytes never change: no crash, no wrong early refusal, no late change of mind.
    @Test func mutatedHeadersGetAStableAnswer() async {
        await propertyCheck(count: 300, input: Generators.mutatedHeader) { bytes in
            expectStableAnswers(bytes + [0x0D, 0x0A, 0x41])
        }
    }

    /// v1 text is not always canonical: upper case, uncompressed and dotted-tail IPv6 are valid too.
    @Test func v1LinesWithAnyIPv6SpellingDecodeAndTheirPrefixesWait() async {
        await propertyCheck(count: 300, input: Generators.v1Header.filter { $0.realClient?.address.family == .inet6 },
                            Gen<Int>.value(in: 0...2)) { header, spelling in
            guard case .inet(let source, let destination) = header.addresses else { return }
            let line = ascii("PROXY TCP6 \(spell(source.address, spelling)) \(spell(destination.address, spelling)) "
                             + "\(source.port) \(destination.port)\r\n")
            let result = ProxyHeaderDecoder.decode(line)
            if line.count <= ProxyHeaderDecoder.maximumV1Length {
                #expect(result == .decoded(header, consumed: line.count), "\(String(decoding: line, as: UTF8.self))")
            } else {
                // Long spellings can push a valid-looking line past the spec's 107 bytes.
                #expect(invalidReason(result) == "v1: no CRLF within the first 107 bytes")
            }
            expectStableAnswers(line)
        }
    }
}

/// 0: eight full upper-case groups; 1: eight unpadded groups; 2: six groups and a dotted tail.
private func spell(_ address: IPAddress, _ spelling: Int) -> String {
    let value: UInt128 = if case .v6(let value) = address { value } else { 0 }
    let groups = (0..<8).map { UInt16(truncatingIfNeeded: value >> (112 - 16 * $0)) }
    switch spelling {
    case 0:
        return groups.map { group in
            let digits = String(group, radix: 16, uppercase: true)
            return String(repeating: "0", count: 4 - digits.count) + digits
        }.joined(separator: ":")
    case 1:
        return groups.map { String($0, radix: 16) }.joined(separator: ":")
    default:
        let tail = IPAddress.v4(UInt32(truncatingIfNeeded: value)).description
        return groups.prefix(6).map { String($0, radix: 16) }.joined(separator: ":") + ":" + tail
    }
}

/// Decodes every prefix: .needMoreData, then one final answer from which it never moves.
func expectStableAnswers(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
    var settled: ProxyHeaderDecoding?
    for count in 0...bytes.count {
        let result = ProxyHeaderDecoder.decode(bytes[0..<count])
        switch (settled, result) {
        case (nil, .needMoreData):
            continue
        case (nil, .decoded(_, let consumed)):
            #expect(consumed == count, "decoded first at \(count) bytes but consumed \(consumed)", sourceLocation: sourceLocation)
            settled = result
        case (nil, .invalid):
            settled = result
        case (.invalid?, .invalid):
            continue
        case (.decoded?, _) where result == settled:
            continue
        default:
            Issue.record("answer changed at \(count) bytes from \(settled!) to \(result) for \(bytes)", sourceLocation: sourceLocation)
            return
        }
    }
}
