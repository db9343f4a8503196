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

class Error : public std::runtime_error {
 public:
  // reason is an optional stable, machine-readable detail within the code,
  // such as "four_eyes" for a kRefused command; APIs expose it verbatim.
  Error(ErrorCode code, const std::string& message, std::string reason = {})
      : std::runtime_error(message), code_(code), reason_(std::move(reason)) {}
  ErrorCode code() const { return code_; }
  const std::string& reason() const { return reason_; }

 private:
  ErrorCode code_;
  std::string reason_;
};

}  // namespace jejak::base
