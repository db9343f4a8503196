#include "base/secret_file.h"

#include <fmt/format.h>

#include "base/error.h"
#include "base/files.h"
#include "base/random.h"

namespace jejak::base {

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
    key = RandomBytes(size);
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

}  // namespace jejak::base
