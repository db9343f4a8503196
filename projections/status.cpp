#include "projections/status.h"

#include "events/time.h"
#include "projections/keys.h"
#include "projections/model.h"

namespace jejak::projections {

using nlohmann::json;

std::optional<json> RequestStatus(const Store& store, const std::string& id, int64_t now) {
  auto raw = store.Get(keys::Request(id));
  if (!raw) return std::nullopt;
  json rec = json::parse(*raw);
  std::string workflow = rec["workflow"], state = rec["state"];
  auto model_json = store.Get(keys::Model(workflow, rec["version"].get<uint32_t>()));
  WorkflowModel m = WorkflowModel::FromJson(model_json.value_or("{}"));
  const StateModel* st = m.State(state);
  json next = json::array();
  for (const auto& [name, a] : m.actions) {
    if (std::find(a.from.begin(), a.from.end(), state) != a.from.end()) {
      next.push_back({{"action", name}, {"title", a.title}, {"roles", a.roles}});
    }
  }
  json history = json::array();
  store.Scan(keys::HistoryPrefix(id), [&](std::string_view, std::string_view v) {
    json step = json::parse(v);
    step["time"] = events::FormatRfc3339(step["time"].get<int64_t>());
    history.push_back(std::move(step));
    return true;
  });
  json out = {{"request_id", id},
              {"workflow", workflow},
              {"workflow_version", rec["version"]},
              {"workflow_title", m.title},
              {"agency", m.agency},
              {"state", state},
              {"state_title", st ? st->title : state},
              {"terminal", st == nullptr || st->terminal},
              {"responsible_roles", st ? st->responsible_roles : std::vector<std::string>{}},
              {"next", next},
              {"submitted_at", events::FormatRfc3339(rec["submitted_at"])},
              {"last_update", events::FormatRfc3339(rec["updated_at"])},
              {"history", history},
              {"tracking_code_sha256", rec["tracking_code_sha256"]}};
  if (rec.contains("deadline")) {
    int64_t deadline = rec["deadline"];
    out["deadline"] = events::FormatRfc3339(deadline);
    out["overdue"] = now > deadline;
  }
  if (!out["terminal"].get<bool>()) {
    // Requests of the same workflow that have waited longer in this state.
    std::string mine = keys::Queue(workflow, state, rec["entered_at"], id);
    int64_t ahead = 0;
    store.Scan(keys::QueuePrefix(workflow, state), [&](std::string_view key, std::string_view) {
      if (key >= mine) return false;
      ++ahead;
      return true;
    });
    out["queue_ahead"] = ahead;
    out["queue_position"] = ahead + 1;
  }
  return out;
}

}  // namespace jejak::projections
