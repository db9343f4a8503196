#include "api/json_writer.h"

#include <fmt/format.h>

#include <iterator>
#include <string_view>

namespace jejak::api {
namespace {

using nlohmann::json;

// Whether dump() writes s between quotes unchanged: no character it escapes,
// and ASCII only, so that there is no UTF-8 to check.
bool Plain(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

void AppendString(std::string& out, std::string_view s) {
  if (!Plain(s)) {
    out += Dump(json(s));
    return;
  }
  out += '"';
  out.append(s);
  out += '"';
}

}  // namespace

void AppendJson(std::string& out, const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      out += "null";
      return;
    case json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case json::value_t::number_integer:
      fmt::format_to(std::back_inserter(out), "{}", value.get<json::number_integer_t>());
      return;
    case json::value_t::number_unsigned:
      fmt::format_to(std::back_inserter(out), "{}", value.get<json::number_unsigned_t>());
      return;
    case json::value_t::string:
      return AppendString(out, value.get_ref<const json::string_t&>());
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const json& element : value.get_ref<const json::array_t&>()) {
        if (!first) out += ',';
        first = false;
        AppendJson(out, element);
      }
      out += ']';
      return;
    }
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [name, element] : value.get_ref<const json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        AppendString(out, name);
        out += ':';
        AppendJson(out, element);
      }
      out += '}';
      return;
    }
    default:  // floating-point, binary, discarded
      out += Dump(value);
  }
}

std::string DumpJson(const json& value) {
  std::string out;
  out.reserve(1024);
  AppendJson(out, value);
  return out;
}

}  // namespace jejak::api
