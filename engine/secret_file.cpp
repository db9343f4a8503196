#include "engine/secret_file.h"

#include <fmt/format.h>
#include <openssl/rand.h>

#include "base/error.h"
#include "base/files.h"

namespace jejak::engine {

using base::Error;
using base::ErrorCode;

std::string LoadOrCreateSecret(const std::string& path, size_t size, bool create,
                               const std::string& what) {
  std::string key;
  try {
    key = base::ReadFile(path);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;
    if (!create) throw Error(ErrorCode::kNotFound, fmt::format("no {} at {}", what, path));
    key.assign(size, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(size)) != 1) {
      throw Error(ErrorCode::kIoError, fmt::format("no randomness for the {}", what));
    }
    try {
      base::WriteFileAtomically(path, key, 0600, base::IfExists::kFail);
    } catch (const Error& e) {
      // Another process created it meanwhile: its secret is the one in use.
      if (e.code() == ErrorCode::kConflict) return LoadOrCreateSecret(path, size, false, what);
      throw;
    }
    return key;
  }
  if (key.size() != size) {
    throw Error(ErrorCode::kCorruption,
                fmt::format("{} should hold a {}-byte {} but holds {} bytes", path, size, what,
                            key.size()));
  }
  return key;
}

}  // namespace jejak::engine
