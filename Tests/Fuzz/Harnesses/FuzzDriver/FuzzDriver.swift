import Glibc

/// libFuzzer's driver (`libclang_rt.fuzzer_no_main`), run from a harness's own main.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// Runs libFuzzer with the program's arguments, calling `body` with each input; exits with its status.
public func runFuzzer(_ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, body))
}

/// The input as a buffer (empty for no bytes).
public func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
}

/// A private folder, made once per run.
public func scratchFolder(_ name: String) -> String {
    var template = Array("/tmp/stretchcue-fuzz-\(name)-XXXXXX".utf8CString)
    return String(cString: mkdtemp(&template)!)
}

/// Writes the input to `path`, for harnesses of what is read from files.
public func write(_ input: UnsafeBufferPointer<UInt8>, to path: String) {
    let file = fopen(path, "w")!
    if let base = input.baseAddress { fwrite(base, 1, input.count, file) }
    fclose(file)
}
