#include "base/rocks_status.h"

#include <fmt/format.h>

#include <string_view>

#include "base/error.h"

namespace jejak::base {

bool IsLocked(const rocksdb::Status& s) {
  if (!s.IsIOError()) return false;
  // Only the phrases of the posix file system's LockFile (env/io_posix.cc,
  // fs_posix.cc): "lock" alone also matches "block".
  std::string_view text = s.getState() == nullptr ? "" : s.getState();
  return text.find("While lock file") != text.npos ||
         text.find("lock hold by current process") != text.npos;
}

void ThrowIfError(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return;
  std::string message = fmt::format("{}: {}", what, s.ToString());
  if (IsLocked(s)) throw Error(ErrorCode::kBusy, message);
  if (s.IsCorruption()) throw Error(ErrorCode::kCorruption, message);
  if (s.IsNotFound()) throw Error(ErrorCode::kNotFound, message);
  if (s.IsInvalidArgument()) throw Error(ErrorCode::kInvalidArgument, message);
  throw Error(ErrorCode::kIoError, message);
}

}  // namespace jejak::base
