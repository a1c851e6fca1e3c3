#ifndef FUZZER_ENTRY_H
#define FUZZER_ENTRY_H
#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer's driver (LLVMFuzzerRunDriver) on `test`: the entry point of a SwiftPM fuzz executable, whose
/// `main` SwiftPM renames to `<target>_main`.
int cloudsandbox_fuzz_main(int argc, char **argv, int (*test)(const uint8_t *data, size_t size));
#endif
