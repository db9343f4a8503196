#include <doctest/doctest.h>

#include <string>

#include "base/error.h"

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
  Error e(ErrorCode::kRefused, "not now", "four_eyes");
  CHECK(std::string(e.what()) == "not now");
  CHECK(e.reason() == "four_eyes");
}

}  // namespace
}  // namespace jejak::base
