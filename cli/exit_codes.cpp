#include "cli/exit_codes.h"

#include "base/reason.h"

namespace jejak::cli {

ExitCode ExitCodeFor(base::ErrorCode code) {
  using base::ErrorCode;
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
      return kExitBadInput;
    case ErrorCode::kConflict:
      return kExitConflict;
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kRefused:
      return kExitRefused;
    case ErrorCode::kBusy:
      return kExitBusy;
    case ErrorCode::kCorruption:
    case ErrorCode::kIoError:
      return kExitIoError;
    case ErrorCode::kUnavailable:
      return kExitUnavailable;
  }
  return kExitIoError;
}

ExitCode ExitCodeFor(const base::Error& e) {
  return e.reason() == base::reason::kStreamGap.name ? kExitStreamGap : ExitCodeFor(e.code());
}

}  // namespace jejak::cli
