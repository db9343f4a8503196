// Lowercase hexadecimal text for bytes: the form of hashes and ids in JSON.
#pragma once

#include <string>
#include <string_view>

namespace jejak::events {

std::string ToHex(std::string_view bytes);
// Accepts upper or lower case; throws Error(kInvalidArgument) on odd length
// or a non-hex character.
std::string FromHex(std::string_view hex);

}  // namespace jejak::events
