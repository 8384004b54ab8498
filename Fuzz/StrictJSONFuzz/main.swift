// libFuzzer harness for StrictJSON, the control API's RFC 8259 check of request bodies.
// Built and run by scripts/fuzz.sh --target json (see Fuzz/ProxyDecoderFuzz for the build
// and why this file hands control to libFuzzer itself). Checked for every input:
// - no crash, whatever the bytes (nesting is bounded, so no stack overflow either);
// - what StrictJSON accepts, Foundation's JSONSerialization parses too: the check only ever
//   narrows what reaches the decoder;
// - what Foundation writes back from such a document, StrictJSON accepts: the check does not
//   refuse ordinary JSON;
// - a refusal points inside the input.
import StrictJSON

#if FUZZING
import Foundation
#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}

func check(_ bytes: [UInt8]) {
    do throws(StrictJSON.Problem) {
        try StrictJSON.validate(bytes)
    } catch {
        require(error.offset >= 0 && error.offset <= bytes.count, "problem offset \(error.offset) outside \(bytes.count) bytes")
        return
    }
    let data = Data(bytes)
    let object: Any
    do {
        object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    } catch {
        fatalError("StrictJSON accepted what Foundation cannot parse (\(error)): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
    }
    guard JSONSerialization.isValidJSONObject(object),
          let written = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
    do throws(StrictJSON.Problem) {
        try StrictJSON.validate(Array(written))
    } catch {
        fatalError("StrictJSON refused Foundation's own output (\(error)): \(String(decoding: written, as: UTF8.self).debugDescription)")
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
print("StrictJSONFuzz is a libFuzzer harness: build and run it with scripts/fuzz.sh --target json")
#endif
