#include "base/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <atomic>
#include <cstring>
#include <mutex>

#include "base/error.h"

namespace jejak::base {
namespace {

constexpr size_t kBlockSize = 4096;

// Counts forks: a thread's block drawn before the last one is not used.
std::atomic<uint64_t> g_forks{0};

struct Block {
  unsigned char bytes[kBlockSize];
  size_t used = kBlockSize;  // nothing left
  uint64_t forks = 0;
  ~Block() { OPENSSL_cleanse(bytes, sizeof bytes); }
};

void Draw(unsigned char* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) {
    throw Error(ErrorCode::kIoError, "OpenSSL gave no random bytes");
  }
}

}  // namespace

void FillRandom(void* out, size_t n) {
  static std::once_flag registered;
  std::call_once(registered, [] { pthread_atfork(nullptr, nullptr, [] { ++g_forks; }); });
  auto* dst = static_cast<unsigned char*>(out);
  if (n > kBlockSize / 4) {
    Draw(dst, n);
    return;
  }
  thread_local Block block;
  uint64_t forks = g_forks.load(std::memory_order_relaxed);
  if (block.forks != forks || kBlockSize - block.used < n) {
    Draw(block.bytes, kBlockSize);
    block.used = 0;
    block.forks = forks;
  }
  std::memcpy(dst, block.bytes + block.used, n);
  OPENSSL_cleanse(block.bytes + block.used, n);
  block.used += n;
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  FillRandom(out.data(), n);
  return out;
}

}  // namespace jejak::base
