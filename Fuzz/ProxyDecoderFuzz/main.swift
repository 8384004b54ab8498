// libFuzzer harness for the PROXY protocol decoder. Built and run by scripts/fuzz.sh:
//   swift build -c release --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
//       --product ProxyDecoderFuzz
// SwiftPM renames an executable's `main` (so that tests can link it), which keeps libFuzzer's
// own `main` out; this file is the entry point and hands control to libFuzzer itself through
// LLVMFuzzerRunDriver. Without -DFUZZING it builds as a stub, so a plain `swift build` works.
//
// Every input is checked against the decoder's promises; a broken promise traps, and
// libFuzzer saves the input as a crash file:
// - no crash, whatever the bytes;
// - the verdict (needs more / decoded / invalid) does not depend on chunking: decoding the
//   whole input, one byte at a time, or in chunks through IncrementalProxyHeaderDecoder
//   (then `settle`) gives the same answer;
// - the incremental decoder's work is linear in the input's length;
// - a decoded header consumed no more than it was given, classifies as a signature, and
//   decodes to itself again after encoding (CRC32C headers aside: the encoder recomputes it).
import ProxyProtocol

#if FUZZING
#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// Like precondition, but the message survives -O (the crash report then says what broke).
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}

enum Verdict: Equatable {
    case more
    case decoded(ProxyHeader, Int)
    case invalid

    init(_ result: ProxyHeaderDecoding) {
        switch result {
        case .needMoreData: self = .more
        case .decoded(let header, let consumed): self = .decoded(header, consumed)
        case .invalid: self = .invalid
        }
    }
}

func check(_ bytes: [UInt8]) {
    let whole = Verdict(ProxyHeaderDecoder.decode(bytes))

    // One byte at a time, as the slowest client sends it (bounded: it is quadratic by design).
    if bytes.count <= 512 {
        var first = Verdict.more
        for count in 1...max(1, bytes.count) where count <= bytes.count {
            first = Verdict(ProxyHeaderDecoder.decode(bytes[0..<count]))
            if first != .more { break }
        }
        require(first == whole, "byte-by-byte verdict \(first) differs from the whole input's \(whole)")
    }

    // Through the incremental decoder, in chunks whose sizes come from the input itself,
    // then byte by byte: both must end with the whole input's verdict, at linear cost.
    for chunking in 0..<2 {
        var decoder = IncrementalProxyHeaderDecoder()
        var received = 0
        var verdict = Verdict.more
        var step = 0
        while verdict == .more && received < bytes.count {
            let chunk = chunking == 0 ? 1 + Int(bytes[step % bytes.count] & 0x3F) : 1
            step += 1
            received = min(bytes.count, received + chunk)
            verdict = Verdict(decoder.decode(bytes[0..<received]))
        }
        if verdict == .more { verdict = Verdict(decoder.settle(bytes)) }
        require(verdict == whole, "incremental verdict \(verdict) differs from the whole input's \(whole)")
        let bound = 3 * min(bytes.count, ProxyHeaderDecoder.maximumV2Length)
            + ProxyHeaderDecoder.maximumV1Length * ProxyHeaderDecoder.maximumV1Length + 16 * 16
        require(decoder.bytesExamined <= bound, "incremental decoding examined \(decoder.bytesExamined) bytes (bound \(bound))")
    }

    if case .decoded(let header, let consumed) = whole {
        require(consumed > 0 && consumed <= bytes.count, "consumed \(consumed) of \(bytes.count)")
        let signature = ProxySignature.classify(bytes)
        require(signature == .v1 || signature == .v2, "a decoded header classifies as \(signature)")
        let hasChecksum = header.tlvs.contains { if case .crc32c = $0 { true } else { false } }
        if !hasChecksum {
            let again = header.encoded()
            require(ProxyHeaderDecoder.decode(again) == .decoded(header, consumed: again.count),
                         "the decoded header does not survive encoding: \(header)")
        }
    }
}

let testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32 = { data, size in
    check(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
#else
print("ProxyDecoderFuzz is a libFuzzer harness: build and run it with scripts/fuzz.sh")
#endif
