#include "projections/keys.h"

#include <fmt/format.h>

namespace jejak::projections::keys {

std::string Be64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>(v >> (56 - 8 * i));
  return s;
}

uint64_t FromBe64(std::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < s.size(); ++i) v = v << 8 | static_cast<uint8_t>(s[i]);
  return v;
}

std::string Model(std::string_view workflow, uint32_t version) {
  return fmt::format("wf|{}|{:010}", workflow, version);
}
std::string Request(std::string_view id) { return fmt::format("rq|{}", id); }
std::string HistoryPrefix(std::string_view id) { return fmt::format("hs|{}|", id); }
std::string History(std::string_view id, uint64_t seq) { return HistoryPrefix(id) + Be64(seq); }
std::string QueuePrefix(std::string_view workflow, std::string_view state) {
  return fmt::format("q|{}|{}|", workflow, state);
}
std::string Queue(std::string_view workflow, std::string_view state, int64_t entered,
                  std::string_view id) {
  return QueuePrefix(workflow, state) + Be64(static_cast<uint64_t>(entered)) + std::string(id);
}
std::string StateCount(std::string_view workflow, std::string_view state) {
  return fmt::format("sc|{}|{}", workflow, state);
}
std::string AgencyDayPrefix(std::string_view workflow) { return fmt::format("ag|{}|", workflow); }
std::string AgencyDay(std::string_view workflow, int64_t day) {
  return AgencyDayPrefix(workflow) + Day(day);
}
std::string OfficerDayPrefix(std::string_view officer) { return fmt::format("od|{}|", officer); }
std::string OfficerDay(std::string_view officer, int64_t day) {
  return OfficerDayPrefix(officer) + Day(day);
}
std::string OfficerRole(std::string_view officer, std::string_view workflow,
                        std::string_view role) {
  return fmt::format("or|{}|{}|{}", officer, workflow, role);
}
std::string OfficerRequest(std::string_view officer, int64_t day, std::string_view request) {
  return fmt::format("oq|{}|", officer) + Day(day) + std::string(request);
}
std::string BreachDay(int64_t day, std::string_view workflow, std::string_view role) {
  return "br|" + Day(day) + fmt::format("{}|{}", workflow, role);
}
std::string Anomaly(int64_t day, uint64_t seq, std::string_view type) {
  return "an|" + Day(day) + Be64(seq) + std::string(type);
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
