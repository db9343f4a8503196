// Standard Base64 (RFC 4648, section 4) with padding: the form of keys and
// signatures in signed notes, and, with the URL alphabet applied by the
// caller, of bearer tokens.
#pragma once

#include <string>
#include <string_view>

namespace jejak::base {

std::string Base64Encode(std::string_view bytes);
// Strict: true only for the one canonical encoding of *bytes (padding
// required, no white space, no stray low bits); false on anything else.
bool Base64Decode(std::string_view text, std::string* bytes);

}  // namespace jejak::base
