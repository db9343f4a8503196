#include "base/random.h"

#include <openssl/rand.h>

#include "base/error.h"

namespace jejak::base {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw Error(ErrorCode::kIoError, "OpenSSL gave no random bytes");
  }
  return out;
}

}  // namespace jejak::base
