// Small secret keys kept in the data directory (the tracking-code key, the
// API's token secret): random bytes, created once with mode 0600 and fsync'd,
// then read back as they are.
#pragma once

#include <cstddef>
#include <string>

namespace jejak::engine {

// Reads the size-byte secret at path. If there is none, creates it when
// create is true, else throws Error(kNotFound). Throws Error(kCorruption) if
// the file holds another number of bytes. what names the secret in errors.
std::string LoadOrCreateSecret(const std::string& path, size_t size, bool create,
                               const std::string& what);

}  // namespace jejak::engine
