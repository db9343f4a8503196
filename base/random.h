// Random bytes from OpenSSL's CSPRNG, for keys, nonces and ids.
//
// Each thread draws from OpenSSL in 4 KiB blocks and hands them out in
// order, each byte once (erased from the block as it goes): a draw costs
// about 1 us whatever its size, and sealing a field needs 12 bytes. A
// forked child starts with fresh blocks, so it never repeats its parent's
// bytes.
#pragma once

#include <cstddef>
#include <string>

namespace jejak::base {

// Fills out with n random bytes. Throws Error(kIoError) if OpenSSL has none
// to give.
void FillRandom(void* out, size_t n);

// n random bytes, as FillRandom.
std::string RandomBytes(size_t n);

}  // namespace jejak::base
