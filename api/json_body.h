// Strict parsing of JSON from outside (request bodies, token parts): the
// text is read without recursion and checked while it is read, so nothing
// deep, long or ambiguous reaches code that recurses or narrows.
//
// Refused with Error(kInvalidArgument), the message naming the place
// ("fields.nik[0]"): text that is not JSON (reason bad_request), nesting
// deeper than max_depth, a string longer than max_string, a name longer than
// max_name, more than max_members members or elements in one object or
// array (reason json_limit), and a name given twice in one object, at any
// depth (reason duplicate_key).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string_view>

namespace jejak::api {

struct JsonLimits {
  size_t max_depth = 16;
  size_t max_string = 64 << 10;
  size_t max_name = 256;
  size_t max_members = 256;
};

// what names the text in messages, e.g. "the request body".
nlohmann::json ParseStrictJson(std::string_view text, const char* what,
                               const JsonLimits& limits = {});

}  // namespace jejak::api
