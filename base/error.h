// The one error type of jejak. Every layer reports failure by throwing
// jejak::base::Error; see docs/ARCHITECTURE.md ("Errors"). It lives in the
// lowest library so that every other library can throw and catch it.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace jejak::base {

enum class ErrorCode {
  kInvalidArgument,   // bad input from a user or caller: nothing was changed
  kNotFound,          // a named thing (file, request, entry) does not exist
  kCorruption,        // stored data fails its own checks (hash, format, index)
  kIoError,           // the operating system or RocksDB failed
  kBusy,              // another process holds the resource (data directory lock)
  kConflict,          // an optimistic-concurrency or uniqueness check failed
  kPermissionDenied,  // the actor may not do this (role, applicant, agency)
  kRefused,           // a workflow rule refused the command (state, guard, four-eyes)
  kUnavailable,       // a remote service (Kafka) cannot be reached now
};

// Stable lowercase name of a code, as used in JSON output ("invalid_argument").
std::string_view ErrorCodeName(ErrorCode code);

// A stable, machine-readable detail within a code, such as "four_eyes" for a
// refused command. Each reason has one code; reason.h lists them all.
struct Reason {
  std::string_view name;
  ErrorCode code;
};

class Error : public std::runtime_error {
 public:
  explicit Error(ErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  // APIs expose the reason's name verbatim.
  Error(const Reason& reason, const std::string& message)
      : std::runtime_error(message), code_(reason.code), reason_(reason.name) {}
  ErrorCode code() const { return code_; }
  // The reason's name, or empty.
  const std::string& reason() const { return reason_; }

 private:
  ErrorCode code_;
  std::string reason_;
};

}  // namespace jejak::base
