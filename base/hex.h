// Lowercase hexadecimal text for bytes: the form of hashes and ids in JSON.
#pragma once

#include <string>
#include <string_view>

namespace jejak::base {

std::string ToHex(std::string_view bytes);
// Accepts upper or lower case; throws Error(kInvalidArgument) on odd length
// or a non-hex character.
std::string FromHex(std::string_view hex);
// The value of one hex digit (upper or lower case), or -1 if c is none.
int HexDigitValue(char c);

}  // namespace jejak::base
