// Exact comparison of decimal numbers in canonical text form
// (events::CanonicalDecimal), so that guards and field bounds never round
// through binary floating point: 0.1 + 0.2 style surprises and 19-digit
// rupiah amounts compare exactly.
#pragma once

#include <string_view>

namespace jejak::workflow {

// Returns <0, 0 or >0 as a <, ==, > b. Both must be canonical decimals
// ("-12.5", "0", "10000000000"); use events::CanonicalDecimal first.
int CompareDecimal(std::string_view a, std::string_view b);

}  // namespace jejak::workflow
