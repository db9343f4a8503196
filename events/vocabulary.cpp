#include "events/vocabulary.h"

namespace jejak::events {

bool IsReservedFieldName(std::string_view name) {
  using namespace fields;
  for (std::string_view reserved : {kDefinition,
                                    kDefinitionSha256,
                                    kModel,
                                    kAction,
                                    kFrom,
                                    kTo,
                                    kReason,
                                    kDeadline,
                                    kRemindAt,
                                    kDeadlinePassed,
                                    kEscalatedTo,
                                    kTrackingCodeSha256,
                                    kActorIsApplicant,
                                    kApprovals,
                                    kQuorum,
                                    kPausedState,
                                    kTimeLeft,
                                    kClockResumed,
                                    kState,
                                    kEnteredAt,
                                    kAttempted,
                                    kRefusal,
                                    kMessage,
                                    kKeyName,
                                    kKeyId,
                                    kPublicKey,
                                    kVerifierKey,
                                    kCheckpoint,
                                    kIndexMark}) {
    if (name == reserved) return true;
  }
  return false;
}

}  // namespace jejak::events
