#include <doctest/doctest.h>

#include <set>
#include <string>

#include "base/error.h"
#include "base/reason.h"

namespace jejak::base {
namespace {

TEST_CASE("error: each code has its stable name") {
  CHECK(ErrorCodeName(ErrorCode::kInvalidArgument) == "invalid_argument");
  CHECK(ErrorCodeName(ErrorCode::kNotFound) == "not_found");
  CHECK(ErrorCodeName(ErrorCode::kCorruption) == "corruption");
  CHECK(ErrorCodeName(ErrorCode::kIoError) == "io_error");
  CHECK(ErrorCodeName(ErrorCode::kBusy) == "busy");
  CHECK(ErrorCodeName(ErrorCode::kConflict) == "conflict");
  CHECK(ErrorCodeName(ErrorCode::kPermissionDenied) == "permission_denied");
  CHECK(ErrorCodeName(ErrorCode::kRefused) == "refused");
  CHECK(ErrorCodeName(ErrorCode::kUnavailable) == "unavailable");
  Error e(reason::kFourEyes, "not now");
  CHECK(std::string(e.what()) == "not now");
  CHECK(e.code() == ErrorCode::kRefused);
  CHECK(e.reason() == "four_eyes");
  CHECK(Error(ErrorCode::kIoError, "disk").reason().empty());
}

TEST_CASE("error: reasons are distinct lowercase names") {
  std::set<std::string_view> seen;
  for (const Reason& r : AllReasons()) {
    CHECK_MESSAGE(seen.insert(r.name).second, r.name);
    CHECK(!r.name.empty());
    CHECK(r.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos);
  }
  CHECK(seen.size() >= 39);
}

}  // namespace
}  // namespace jejak::base
