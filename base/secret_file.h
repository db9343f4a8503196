// Small secret keys kept in the data directory (the tracking-code key, the
// API's token secret): random bytes, created once, whole, with mode 0600 from
// the start (base::WriteFileAtomically), then read back as they are.
#pragma once

#include <cstddef>
#include <string>

namespace jejak::base {

// Reads the size-byte secret at path. If there is none, creates it when
// create is true, else throws Error(kNotFound); if another process creates
// it meanwhile, that one is read. Throws Error(kCorruption) if the file holds
// another number of bytes, Error(kIoError) if it cannot be read or written.
// what names the secret in errors.
std::string LoadOrCreateSecret(const std::string& path, size_t size, bool create,
                               const std::string& what);

}  // namespace jejak::base
