// What a reader may see of an event's personal fields (docs/PRIVACY.md):
// the fields a workflow marks pii, opened with the subject's data key for
// readers the workflow allows (pii_roles), and otherwise marked hidden:
// redacted (not this reader's to see), erased (the subject's key is
// destroyed) or sealed (no key store here). Whoever shows opened fields to
// staff must record the access (Engine::RecordAccess).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "events/event.h"
#include "privacy/key_store.h"
#include "workflow/workflow.h"

namespace jejak::engine {

struct ShownFields {
  std::vector<std::string> opened;            // personal fields shown in plaintext
  std::map<std::string, std::string> hidden;  // personal field -> "redacted", "erased", "sealed"
};

// The marker a reader sees in place of a hidden field, Indonesian first.
std::string HiddenMarker(const std::string& why);

// Opens, in place, the sealed personal fields of event that may_read allows
// (plaintext ones from before sealing count as opened too), and lists the
// others in hidden (their values left as they are: the caller renders the
// marker). keys may be null. wf: the event's workflow, or null (then no
// field is personal). Throws Error(kCorruption) for a sealed value that
// its subject's key does not open.
ShownFields ShowPersonalFields(events::Event& event, const workflow::Workflow* wf,
                               const std::function<bool(const workflow::FieldSpec&)>& may_read,
                               const privacy::KeyStore* keys);

}  // namespace jejak::engine
