#include "projections/status.h"

#include <fmt/format.h>

#include <map>

#include "base/hex.h"
#include "events/time.h"
#include "events/vocabulary.h"
#include "projections/keys.h"
#include "projections/model.h"
#include "projections/records.h"

namespace jejak::projections {
namespace {

using nlohmann::json;

// "Persetujuan 1 dari 2: TITLE" for an approval, the nth of its stay.
std::string ApprovalTitle(const WorkflowModel& m, const Step& s, int nth) {
  auto a = m.actions.find(s.action);
  if (a == m.actions.end()) return "Persetujuan";
  return fmt::format("Persetujuan {} dari {}: {}", nth, a->second.quorum, a->second.title);
}

std::string StepTitle(const WorkflowModel& m, const Step& s) {
  if (s.type == events::types::kSubmitted) return "Permohonan diajukan";
  if (s.type == events::types::kSlaBreached) return "Batas waktu layanan terlampaui";
  if (s.type == events::types::kSlaEscalated) return "Diteruskan ke atasan: " + s.reason;
  auto a = m.actions.find(s.action);
  return a != m.actions.end() ? a->second.title : "Dibatalkan oleh pemohon";
}

// The public history; approvals (of actions with a quorum) are numbered
// within their stay, into approvals, which then holds the current stay's.
json History(const WorkflowModel& m, const RequestRecord& rec,
             std::map<std::string, int>* approvals) {
  json history = json::array();
  for (const Step& s : rec.History()) {
    std::string title;
    if (s.type == events::types::kApproval) {
      title = ApprovalTitle(m, s, ++(*approvals)[s.action]);
    } else {
      title = StepTitle(m, s);
      if (!s.to.empty()) approvals->clear();  // a new stay
    }
    json step = {{"seq", s.seq},   {"time", events::FormatRfc3339(s.time)},
                 {"type", s.type}, {"title", std::move(title)},
                 {"role", s.role}, {"officer", s.officer}};
    if (!s.from.empty()) step["from"] = s.from;
    if (!s.to.empty()) {
      step["to"] = s.to;
      const StateModel* st = m.State(s.to);
      step["to_title"] = st ? st->title : s.to;
    }
    if (!s.reason.empty()) step["reason"] = s.reason;
    history.push_back(std::move(step));
  }
  return history;
}

// Requests of the same workflow that have waited longer in the state: those
// that entered it earlier, or at the same time with a smaller id.
int64_t QueueAhead(const Store& store, const RequestRecord& rec, const std::string& id) {
  return static_cast<int64_t>(
      store.QueueKeysBefore(keys::Queue(rec.workflow, rec.state, rec.entered_at, id)));
}

}  // namespace

std::optional<json> RequestStatus(const Store& store, const std::string& id, int64_t now) {
  auto raw = store.Get(keys::Request(id));
  if (!raw) return std::nullopt;
  RequestRecord rec = RequestRecord::Decode(*raw);
  const std::string& state = rec.state;
  auto model_json = store.Get(keys::Model(rec.workflow, rec.version));
  std::shared_ptr<const WorkflowModel> model =
      WorkflowModel::FromJsonCached(model_json.value_or("{}"));
  const WorkflowModel& m = *model;
  const StateModel* st = m.State(state);
  std::map<std::string, int> approvals;
  json history = History(m, rec, &approvals);
  json next = json::array();
  for (const auto& [name, a] : m.actions) {
    if (std::find(a.from.begin(), a.from.end(), state) == a.from.end()) continue;
    json n = {{"action", name}, {"title", a.title}, {"roles", a.roles}};
    if (a.quorum > 1) {
      int given = approvals.count(name) ? approvals[name] : 0;
      n["quorum"] = a.quorum;
      n["approvals"] = given;
      n["approvals_text"] = fmt::format("{} dari {} persetujuan ({} of {} approvals)", given,
                                        a.quorum, given, a.quorum);
    }
    next.push_back(std::move(n));
  }
  json out = {{"request_id", id},
              {"workflow", rec.workflow},
              {"workflow_version", rec.version},
              {"workflow_title", m.title},
              {"agency", m.agency},
              {"state", state},
              {"state_title", st ? st->title : state},
              {"terminal", st == nullptr || st->terminal},
              {"responsible_roles", st ? st->responsible_roles : std::vector<std::string>{}},
              {"next", next},
              {"submitted_at", events::FormatRfc3339(rec.submitted_at)},
              {"last_update", events::FormatRfc3339(rec.updated_at)},
              {"history", std::move(history)},
              {"tracking_code_sha256", base::ToHex(rec.tracking_code_sha256)}};
  // A passed deadline called this role (one of the responsible ones) in.
  if (rec.escalated_to) out["escalated_to"] = *rec.escalated_to;
  // While the applicant has it, the clock of the state it returns to waits.
  if (rec.paused_state) {
    const StateModel* paused = m.State(*rec.paused_state);
    double days = static_cast<double>(rec.paused_time_left) / (86'400.0 * 1e6);
    bool working = paused != nullptr && paused->working_days;
    out["clock_paused"] = {
        {"state", *rec.paused_state},
        {"state_title", paused ? paused->title : *rec.paused_state},
        {"time_left_us", rec.paused_time_left},
        {"text", fmt::format("Waktu layanan berhenti selama menunggu Anda: sisa {:.1f} hari{} "
                             "(the service clock is paused while it waits for you: {:.1f} {}days "
                             "left)",
                             days, working ? " kerja" : "", days, working ? "working " : "")}};
  }
  if (rec.deadline) {
    out["deadline"] = events::FormatRfc3339(*rec.deadline);
    out["overdue"] = now > *rec.deadline;
  }
  if (!out["terminal"].get<bool>()) {
    int64_t ahead = QueueAhead(store, rec, id);
    out["queue_ahead"] = ahead;
    out["queue_position"] = ahead + 1;
  }
  return out;
}

StatusDependencies RequestStatusDependencies(std::string_view record, std::string_view request_id) {
  RequestRecord rec = RequestRecord::Decode(record);
  return {keys::Queue(rec.workflow, rec.state, rec.entered_at, request_id), rec.deadline};
}

}  // namespace jejak::projections
