// Shared by the libFuzzer targets of fuzz/ (README, "Sanitizers and
// fuzzing"). A target states what must hold for every input with Require:
// a broken promise aborts, and libFuzzer saves the input that broke it.
// Parsers may refuse input only with base::Error; any other exception
// escapes LLVMFuzzerTestOneInput and is reported as a crash too.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace jejak::fuzz {

// The Ed25519 key of the targets' notes, checkpoints and receipts: a test
// key, public on purpose (seed: SHA-256 of "jejak fuzz key"). Its verifier
// key is fuzz.jejak.example+e0b08e73+Aa/mpNiweguE0GOcjXuf/ZxlAxbOvE0vQCGaHh7mTh4C
inline constexpr char kSigningKey[] =
    "PRIVATE+KEY+fuzz.jejak.example+e0b08e73+AbASKq6s+9GQ74/jf4WM6VmPEhCPcGZ4yzK2TVosNKAz";

#define JEJAK_REQUIRE(cond)                                                               \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "%s:%d: requirement failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

// libFuzzer checks for leaks after each input while a target's other threads
// (its server's, RocksDB's) go on working. A thread_local first used by such
// a thread during the input has its destructor recorded by glibc
// (__cxa_thread_atexit_impl); the record looks leaked then, although the
// thread frees it when it exits (google/sanitizers#757,
// facebook/rocksdb#5931). fuzz_http met it once in a long run. Only that
// frame is suppressed; every target includes this header once.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:__cxa_thread_atexit_impl\n";
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Splits off the text before the first sep (all of it if there is none);
// input keeps what follows sep.
inline std::string_view Take(std::string_view* input, char sep) {
  size_t at = input->find(sep);
  std::string_view head = input->substr(0, at);
  input->remove_prefix(at == std::string_view::npos ? input->size() : at + 1);
  return head;
}

}  // namespace jejak::fuzz
