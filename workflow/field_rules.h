// A field's rules applied to a command's values: type, pattern, min/max and
// enum choices (docs/WORKFLOWS.md, `fields`).
#pragma once

#include <string>

#include "events/field_value.h"
#include "workflow/workflow.h"

namespace jejak::workflow {

// Checks and converts a command's text value ("12", "true", "2026-11-28") to
// the field's type, applying pattern, min/max and enum rules.
// Throws Error(kInvalidArgument) naming the field and the rule broken.
events::FieldValue CoerceField(const FieldSpec& spec, const std::string& text);
// The same rules for a typed value; a value of another type is refused.
void CheckField(const FieldSpec& spec, const events::FieldValue& value);

}  // namespace jejak::workflow
