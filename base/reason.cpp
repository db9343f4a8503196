#include "base/reason.h"

namespace jejak::base {

std::span<const Reason> AllReasons() {
  using namespace reason;  // NOLINT(google-build-using-namespace): the list reads as the header
  static constexpr Reason kAll[] = {
      kUnknownRequest, kUnknownWorkflow,  kUnknownAction,   kUnknownField,
      kInvalidField,   kMissingField,     kReasonRequired,  kMissingApplicant,
      kForbiddenRole,  kNotApplicant,     kInvalidState,    kRequestClosed,
      kFourEyes,       kGuardFailed,      kVersionConflict, kIdempotencyMismatch,
      kVersionExists,  kVersionNotNewer,  kNoKeyStore,      kUnknownSubject,  kMissingToken,    kBadToken,
      kTokenExpired,   kWrongRole,        kBadCode,         kBadRequest,
      kBadUrl,         kBadRange,         kBodyTooLarge,    kJsonLimit,
      kDuplicateKey,   kMethodNotAllowed, kNoRoute,         kUnknownEntry,
      kBeyondLedger,   kNoCheckpoint,     kRateLimited,     kTooManyGuesses,
      kStreamGap,      kChainOrder,       kGroupShared,
  };
  return kAll;
}

}  // namespace jejak::base
