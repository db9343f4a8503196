// Sealed fields: a personal field's value encrypted with its data subject's
// key (AES-256-GCM), bound to the event, request and field it belongs to so
// that it cannot be moved to another (docs/FORMAT.md, "Sealed fields"). The
// ledger's hashes cover the ciphertext, so they verify the same before and
// after the key is destroyed.
#pragma once

#include <string>
#include <string_view>

#include "events/event.h"
#include "events/field_value.h"

namespace jejak::privacy {

// Where a sealed value sits: its event's request and id, and its field.
struct SealContext {
  std::string_view request_id;
  const events::EventId& event_id;
  std::string_view field;
};

// value (not itself sealed) sealed under data_key, the 32-byte key of the
// data subject subject. Throws Error(kInvalidArgument) for a sealed value.
events::FieldValue Seal(std::string_view data_key, std::string_view subject,
                        const SealContext& where, const events::FieldValue& value);

// The value inside sealed. Throws Error(kCorruption) if it does not open
// with data_key at where: the wrong key, a value moved from elsewhere, or
// damage.
events::FieldValue Unseal(std::string_view data_key, const SealContext& where,
                          const events::FieldValue& sealed);

// Seals, in place, every field of event that fields_to_seal names.
template <typename Names>
void SealFields(std::string_view data_key, std::string_view subject, const Names& fields_to_seal,
                events::Event& event) {
  for (auto& [name, value] : event.fields) {
    if (value.type() == events::FieldType::kSealed || !fields_to_seal.count(name)) continue;
    value = Seal(data_key, subject, {event.request_id, event.id, name}, value);
  }
}

}  // namespace jejak::privacy
