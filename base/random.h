// Random bytes from OpenSSL's CSPRNG, for keys, nonces and ids.
#pragma once

#include <cstddef>
#include <string>

namespace jejak::base {

// n random bytes. Throws Error(kIoError) if OpenSSL has none to give.
std::string RandomBytes(size_t n);

}  // namespace jejak::base
