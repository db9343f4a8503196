#include "api/router.h"

#include <fmt/format.h>

#include "base/error.h"
#include "base/hex.h"
#include "base/reason.h"
#include "events/field_value.h"

namespace jejak::api {
namespace {

using base::Error;
using base::ErrorCode;

template <typename Segment = std::string>
std::vector<Segment> Split(std::string_view path) {
  std::vector<Segment> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool IsParam(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

std::string Request::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

std::optional<std::string> Request::Query(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

void Router::Add(std::string method, std::string pattern, Handler handler) {
  AddAsync(std::move(method), std::move(pattern),
           [handler = std::move(handler)](const Request& req, const Reply& reply) {
             reply(handler(req));
           });
}

void Router::AddAsync(std::string method, std::string pattern, AsyncHandler handler) {
  Entry e{{std::move(method), std::move(pattern)}, {}, std::move(handler)};
  e.segments = Split(e.route.pattern);
  entries_.push_back(std::move(e));
}

bool Router::Entry::Fits(const std::vector<std::string_view>& segs) const {
  if (segments.size() != segs.size()) return false;
  for (size_t i = 0; i < segs.size(); ++i) {
    if (!IsParam(segments[i]) && segments[i] != segs[i]) return false;
  }
  return true;
}

const AsyncHandler& Router::Match(Request& req) const {
  std::vector<std::string_view> segs = Split<std::string_view>(req.path);
  bool path_matched = false;
  for (const Entry& e : entries_) {
    if (!e.Fits(segs)) continue;
    path_matched = true;
    if (e.route.method != req.method) continue;
    req.params.clear();
    for (size_t i = 0; i < segs.size(); ++i) {
      if (!IsParam(e.segments[i])) continue;
      std::string value = PercentDecode(segs[i]);
      std::string name = e.segments[i].substr(1, e.segments[i].size() - 2);
      if (!events::IsValidUtf8(value)) {
        throw Error(base::reason::kBadUrl,
                    fmt::format("the path's {{{}}} is not valid UTF-8", name));
      }
      req.params[std::move(name)] = std::move(value);
    }
    return e.handler;
  }
  if (path_matched) {
    throw Error(base::reason::kMethodNotAllowed,
                fmt::format("{} is not allowed on {}", req.method, req.path));
  }
  throw Error(base::reason::kNoRoute, fmt::format("no endpoint {}", req.path));
}

std::string Router::Allowed(std::string_view path) const {
  std::vector<std::string_view> segs = Split<std::string_view>(path);
  std::string out;
  for (const Entry& e : entries_) {
    if (!e.Fits(segs) || out.find(e.route.method) != std::string::npos) continue;
    if (!out.empty()) out += ", ";
    out += e.route.method;
  }
  return out;
}

std::vector<Route> Router::Routes() const {
  std::vector<Route> out;
  for (const Entry& e : entries_) out.push_back(e.route);
  return out;
}

std::string PercentDecode(std::string_view text, PlusMeans plus) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+' && plus == PlusMeans::kSpace) {
      out += ' ';
    } else if (text[i] == '%') {
      int hi = i + 2 < text.size() ? base::HexDigitValue(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? base::HexDigitValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        throw Error(base::reason::kBadUrl, "bad percent escape in the URL");
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i <= query.size()) {
    size_t j = query.find('&', i);
    if (j == std::string_view::npos) j = query.size();
    std::string_view pair = query.substr(i, j - i);
    i = j + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string name = PercentDecode(pair.substr(0, eq), PlusMeans::kSpace);
    std::string value =
        eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1), PlusMeans::kSpace);
    if (!events::IsValidUtf8(name)) {
      throw Error(base::reason::kBadUrl, "a query parameter's name is not valid UTF-8");
    }
    if (!events::IsValidUtf8(value)) {
      throw Error(base::reason::kBadUrl,
                  fmt::format("query parameter {} is not valid UTF-8", name));
    }
    // One value per name: two readers must not take different ones.
    if (!out.emplace(name, std::move(value)).second) {
      throw Error(base::reason::kBadUrl, fmt::format("query parameter {} is given twice", name));
    }
  }
  return out;
}

}  // namespace jejak::api
