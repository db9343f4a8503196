#include "api/json_body.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/problem.h"
#include "base/error.h"
#include "base/reason.h"

namespace jejak::api {
namespace {

using base::Error;
using base::ErrorCode;
using nlohmann::json;

// Builds the value from nlohmann's (iterative) SAX parser, checking as it
// goes. A check that fails records the error and stops the parse.
class Builder {
 public:
  Builder(const char* what, const JsonLimits& limits) : what_(what), limits_(limits) {}

  json& root() { return root_; }
  std::optional<Error>& error() { return error_; }

  bool null() { return Put(nullptr); }
  bool boolean(bool v) { return Put(v); }
  bool number_integer(json::number_integer_t v) { return Put(v); }
  bool number_unsigned(json::number_unsigned_t v) { return Put(v); }
  bool number_float(json::number_float_t v, const json::string_t&) { return Put(v); }
  bool string(json::string_t& v) {
    if (v.size() > limits_.max_string) {
      return Fail(fmt::format("{} is longer than {} bytes", Place(), limits_.max_string),
                  base::reason::kJsonLimit);
    }
    return Put(std::move(v));
  }
  bool binary(json::binary_t&) {
    return Fail("binary values are not JSON", base::reason::kBadRequest);
  }
  bool start_object(size_t) { return Open(json::object()); }
  bool start_array(size_t) { return Open(json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(json::string_t& name) {
    open_.back().name = nullptr;  // errors below name the object itself
    if (name.size() > limits_.max_name) {
      return Fail(
          fmt::format("{} has a member name longer than {} bytes", Place(), limits_.max_name),
          base::reason::kJsonLimit);
    }
    json::object_t& object = open_.back().value->get_ref<json::object_t&>();
    if (object.size() >= limits_.max_members) {
      return Fail(fmt::format("{} has more than {} members", Place(), limits_.max_members),
                  base::reason::kJsonLimit);
    }
    auto [it, inserted] = object.emplace(std::move(name), nullptr);
    if (!inserted) {
      open_.back().name = &it->first;
      return Fail(fmt::format("{} is given twice", Place()), base::reason::kDuplicateKey);
    }
    open_.back().name = &it->first;
    slot_ = &it->second;
    return true;
  }

  bool parse_error(size_t position, const std::string&, const nlohmann::detail::exception& e) {
    // nlohmann's message says what it expected; drop its "[json.exception...] " prefix.
    std::string why = e.what();
    if (size_t end = why.find("] "); end != std::string::npos) why.erase(0, end + 2);
    if (why.size() > 200) why.resize(200);
    return Fail(fmt::format("{} is not valid JSON (byte {}): {}", what_, position, why),
                base::reason::kBadRequest);
  }

 private:
  struct Level {
    json* value;
    const std::string* name = nullptr;  // objects: the member being read
  };

  bool Fail(const std::string& message, const base::Reason& reason) {
    if (!error_) error_.emplace(reason, message);
    return false;
  }

  // Where the parser is: "fields.nik[2]", or what_ at the top.
  std::string Place() const {
    std::string out;
    for (size_t i = 0; i < open_.size(); ++i) {
      const Level& o = open_[i];
      if (o.value->is_array()) {
        // An outer array's last element is the one open; the innermost's
        // next element is the one being read.
        size_t index = o.value->size() - (i + 1 < open_.size() ? 1 : 0);
        out += fmt::format("[{}]", index);
      } else if (o.name != nullptr) {
        if (!out.empty()) out += '.';
        out += *o.name;
      }
    }
    return out.empty() ? std::string(what_) : "\"" + out + "\"";
  }

  template <typename Value>
  json* Add(Value&& v) {
    if (open_.empty()) {
      root_ = json(std::forward<Value>(v));
      return &root_;
    }
    json& top = *open_.back().value;
    if (top.is_array()) {
      json::array_t& array = top.get_ref<json::array_t&>();
      if (array.size() >= limits_.max_members) {
        Fail(fmt::format("{} has more than {} elements", Place(), limits_.max_members),
             base::reason::kJsonLimit);
        return nullptr;
      }
      array.emplace_back(std::forward<Value>(v));
      return &array.back();
    }
    *slot_ = json(std::forward<Value>(v));
    return slot_;
  }

  template <typename Value>
  bool Put(Value&& v) {
    return Add(std::forward<Value>(v)) != nullptr;
  }

  bool Open(json container) {
    if (open_.size() >= limits_.max_depth) {
      return Fail(fmt::format("{} is nested deeper than {} levels", Place(), limits_.max_depth),
                  base::reason::kJsonLimit);
    }
    json* added = Add(std::move(container));
    if (added == nullptr) return false;
    open_.push_back({added});
    return true;
  }

  bool Close() {
    open_.pop_back();
    return true;
  }

  const char* what_;
  const JsonLimits& limits_;
  json root_;
  std::vector<Level> open_;  // the containers being read, outermost first
  json* slot_ = nullptr;     // the member a key() named
  std::optional<Error> error_;
};

}  // namespace

json ParseStrictJson(std::string_view text, const char* what, const JsonLimits& limits) {
  Builder b(what, limits);
  bool ok = json::sax_parse(text.begin(), text.end(), &b);
  if (!ok || b.error()) {
    if (b.error()) throw std::move(*b.error());
    throw Error(base::reason::kBadRequest, fmt::format("{} is not valid JSON", what));
  }
  return std::move(b.root());
}

}  // namespace jejak::api
