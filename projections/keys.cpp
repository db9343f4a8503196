#include "projections/keys.h"

#include <fmt/format.h>

#include <initializer_list>

namespace jejak::projections::keys {
namespace {

// Keys are made for every event: plain appends, not format strings.
std::string Cat(std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (auto p : parts) n += p.size();
  std::string s;
  s.reserve(n);
  for (auto p : parts) s.append(p);
  return s;
}

}  // namespace

std::string Model(std::string_view workflow, uint32_t version) {
  return fmt::format("wf|{}|{:010}", workflow, version);
}
std::string Request(std::string_view id) { return Cat({"rq|", id}); }
std::string QueuePrefix(std::string_view workflow, std::string_view state) {
  return Cat({"q|", workflow, "|", state, "|"});
}
std::string Queue(std::string_view workflow, std::string_view state, int64_t entered,
                  std::string_view id) {
  return Cat({"q|", workflow, "|", state, "|", Be64(static_cast<uint64_t>(entered)), id});
}
std::string StateCount(std::string_view workflow, std::string_view state) {
  return Cat({"sc|", workflow, "|", state});
}
std::string AgencyDayPrefix(std::string_view workflow) { return Cat({"ag|", workflow, "|"}); }
std::string AgencyDay(std::string_view workflow, int64_t day) {
  return Cat({"ag|", workflow, "|", Day(day)});
}
std::string OfficerDayPrefix(std::string_view officer) { return Cat({"od|", officer, "|"}); }
std::string OfficerDay(std::string_view officer, int64_t day) {
  return Cat({"od|", officer, "|", Day(day)});
}
std::string OfficerRole(std::string_view officer, std::string_view workflow,
                        std::string_view role) {
  return Cat({"or|", officer, "|", workflow, "|", role});
}
std::string OfficerWaits(std::string_view officer, int64_t day) {
  return Cat({"ow|", officer, "|", Day(day)});
}
std::string OfficerTimes(std::string_view officer, int64_t day) {
  return Cat({"ot|", officer, "|", Day(day)});
}
std::string BreachDay(int64_t day, std::string_view workflow, std::string_view role) {
  return Cat({"br|", Day(day), workflow, "|", role});
}
std::string EscalationDay(int64_t day, std::string_view workflow, std::string_view role) {
  return Cat({"es|", Day(day), workflow, "|", role});
}
std::string Anomaly(int64_t day, uint64_t seq, std::string_view type) {
  return Cat({"an|", Day(day), Be64(seq), type});
}
std::string QueueJump(int64_t day, int64_t lead_us, uint64_t seq) {
  return Cat({"aj|", Day(day), Be64(static_cast<uint64_t>(lead_us)), Be64(seq)});
}

std::string_view Part(std::string_view key, int index) {
  for (int i = 0; i < index; ++i) {
    size_t bar = key.find('|');
    if (bar == std::string_view::npos) return {};
    key.remove_prefix(bar + 1);
  }
  return key.substr(0, key.find('|'));
}

}  // namespace jejak::projections::keys
