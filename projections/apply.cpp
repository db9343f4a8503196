#include "projections/apply.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "events/error.h"
#include "events/hex.h"
#include "events/vocabulary.h"
#include "projections/keys.h"
#include "projections/projector.h"

namespace jejak::projections::apply {
namespace {

using nlohmann::json;
namespace f = events::fields;

std::string Text(const events::Event& e, const char* name) {
  auto it = e.fields.find(name);
  return it == e.fields.end() ? "" : it->second.ToDisplayString();
}

std::optional<int64_t> Time(const events::Event& e, const char* name) {
  auto it = e.fields.find(name);
  if (it == e.fields.end()) return std::nullopt;
  return it->second.number();
}

bool IsStaff(const events::Actor& a) { return a.role != "applicant" && a.role != "system"; }


void Add(Store& s, const std::string& key, int64_t delta) {
  auto v = s.Get(key);
  int64_t n = (v ? std::stoll(*v) : 0) + delta;
  s.Put(key, std::to_string(n));
}

json& Counter(json& j, const std::string& name) {
  if (!j.contains(name)) j[name] = 0;
  return j[name];
}

json& RequestOrThrow(Target& t, const events::Event& e) {
  json* rec = t.docs.Find(keys::Request(e.request_id));
  if (rec == nullptr) {
    throw events::Error(events::ErrorCode::kCorruption,
                        fmt::format("entry {}: event for unknown request {}", e.seq, e.request_id));
  }
  return t.docs.Edit(keys::Request(e.request_id));
}

std::string ActorCode(const events::Actor& a) {
  if (a.role == "applicant") return "pemohon";
  if (a.role == "system") return "sistem";
  return OfficerCode(a.subject);
}

// One step of the public history a citizen sees.
void Step(Target& t, const WorkflowModel& m, const events::Event& e, const std::string& title) {
  json step = {{"seq", e.seq},
               {"time", e.time_us},
               {"type", e.type},
               {"title", title},
               {"role", e.actor.role},
               {"officer", ActorCode(e.actor)}};
  std::string from = Text(e, f::kFrom), to = Text(e, f::kTo), reason = Text(e, f::kReason);
  if (!from.empty()) step["from"] = from;
  if (!to.empty()) {
    step["to"] = to;
    const StateModel* st = m.State(to);
    step["to_title"] = st ? st->title : to;
  }
  if (!reason.empty()) step["reason"] = reason;
  t.store.Put(keys::History(e.request_id, e.seq), step.dump());
}

void Anomaly(Target& t, const WorkflowModel& m, const events::Event& e, const std::string& type,
             const std::string& detail, std::vector<uint64_t> evidence, json extra = json::object()) {
  json a = {{"type", type},         {"time", e.time_us},     {"officer", e.actor.subject},
            {"role", e.actor.role}, {"request", e.request_id}, {"workflow", m.name},
            {"detail", detail},     {"events", evidence}};
  a.update(extra);
  t.store.Put(keys::Anomaly(m.LocalDay(e.time_us), e.seq, type), a.dump());
}

// Staff work counted for the accountability report.
void OfficerAction(Target& t, const WorkflowModel& m, const events::Event& e, const json& rec,
                   const std::string& action) {
  int64_t day = m.LocalDay(e.time_us);
  json& od = t.docs.Edit(keys::OfficerDay(e.actor.subject, day));
  Counter(od["actions"], action) = Counter(od["actions"], action).get<int64_t>() + 1;
  od["waits_us"].push_back(e.time_us - rec["entered_at"].get<int64_t>());
  od["times_us"].push_back(e.time_us);
  od["seqs"].push_back(e.seq);
  t.store.Put(keys::OfficerRequest(e.actor.subject, day, e.request_id), "");
  t.store.Put(keys::OfficerRole(e.actor.subject, m.name, e.actor.role), "");
}

// Checks an officer's action against the queue of the state it left: did a
// request of the same workflow wait there longer? Records the lead; the
// report applies the grace period.
void QueueJump(Target& t, const Queue& queue, const WorkflowModel& m, const events::Event& e,
               const json& rec, const std::string& from) {
  int64_t entered = rec["entered_at"];
  for (const auto& [key, entry_seq] : queue) {
    const auto& [other_entered, other] = key;
    if (other == e.request_id) continue;
    if (other_entered >= entered) return;
    Anomaly(t, m, e, "queue_jump",
            fmt::format("{} acted on {} while {} had waited {} s longer in \"{}\"",
                        e.actor.subject, e.request_id, other, (entered - other_entered) / 1'000'000,
                        from),
            {entry_seq, e.seq},
            {{"other_request", other}, {"other_entry_seq", entry_seq},
             {"lead_us", entered - other_entered}});
    return;
  }
}

void Enqueue(Target& t, const WorkflowModel& m, const std::string& state, int64_t at,
             const std::string& id, uint64_t seq) {
  t.queues.Get(m.name, state)[{at, id}] = seq;
  t.store.Put(keys::Queue(m.name, state, at, id), json({{"entered_at", at}, {"entry_seq", seq}}).dump());
}

void CountSla(Target& t, const WorkflowModel& m, int64_t day, const char* what) {
  json& ag = t.docs.Edit(keys::AgencyDay(m.name, day));
  Counter(ag, what) = Counter(ag, what).get<int64_t>() + 1;
}

void AttributeBreach(Target& t, const WorkflowModel& m, const std::string& state, int64_t at) {
  const StateModel* st = m.State(state);
  if (st == nullptr) return;
  for (const auto& role : st->responsible_roles) {
    Add(t.store, keys::BreachDay(m.LocalDay(at), m.name, role), 1);
  }
}

}  // namespace

Queue& Queues::Get(const std::string& workflow, const std::string& state) {
  auto key = std::make_pair(workflow, state);
  auto it = queues_.find(key);
  if (it != queues_.end()) return it->second;
  Queue& queue = queues_[key];
  std::string prefix = keys::QueuePrefix(workflow, state);
  store_.Scan(prefix, [&](std::string_view k, std::string_view v) {
    json j = json::parse(v);
    queue[{j["entered_at"].get<int64_t>(), std::string(k.substr(prefix.size() + 8))}] =
        j["entry_seq"].get<uint64_t>();
    return true;
  });
  return queue;
}

void Submitted(Target& t, const WorkflowModel& m, const events::Event& e) {
  std::string to = Text(e, f::kTo);
  auto code = e.fields.find(f::kTrackingCodeSha256);
  json& rec = t.docs.Edit(keys::Request(e.request_id));
  rec = {{"id", e.request_id},
         {"workflow", e.workflow},
         {"version", e.workflow_version},
         {"applicant", e.actor.subject},
         {"state", to},
         {"entered_at", e.time_us},
         {"entry_seq", e.seq},
         {"submitted_at", e.time_us},
         {"updated_at", e.time_us},
         {"breached", false},
         {"tracking_code_sha256",
          code == e.fields.end() ? "" : events::ToHex(code->second.text())}};
  if (auto d = Time(e, f::kDeadline)) rec["deadline"] = *d;
  Step(t, m, e, "Permohonan diajukan");
  Enqueue(t, m, to, e.time_us, e.request_id, e.seq);
  Add(t.store, keys::StateCount(m.name, to), 1);
  json& ag = t.docs.Edit(keys::AgencyDay(m.name, m.LocalDay(e.time_us)));
  Counter(ag, "arrivals") = Counter(ag, "arrivals").get<int64_t>() + 1;
}

void Transition(Target& t, const WorkflowModel& m, const events::Event& e) {
  json& rec = RequestOrThrow(t, e);
  std::string from = rec["state"], to = Text(e, f::kTo);
  std::string action = e.type == events::types::kWithdrawn ? "withdraw" : Text(e, f::kAction);
  int64_t at = e.time_us;
  if (IsStaff(e.actor)) {
    OfficerAction(t, m, e, rec, action);
    QueueJump(t, t.queues.Get(m.name, from), m, e, rec, from);
    if (e.actor.subject == rec["applicant"]) {
      Anomaly(t, m, e, "self_dealing",
              fmt::format("{} acted ({}) on {}, which they applied for themselves",
                          e.actor.subject, action, e.request_id),
              {rec["entry_seq"].get<uint64_t>(), e.seq});
    }
    if (!m.calendar.IsWorkingTime(at)) {
      Anomaly(t, m, e, "after_hours",
              fmt::format("{} acted ({}) on {} outside working hours", e.actor.subject, action,
                          e.request_id),
              {e.seq});
    }
  }
  // A step back past a staff decision reverses it, e.g. a resolved
  // complaint reopened, or an approval sent back for review.
  const StateModel* from_st = m.State(from);
  const StateModel* to_st = m.State(to);
  if (rec.contains("last_staff") && from_st && to_st && to_st->depth < from_st->depth &&
      rec["last_staff"] != e.actor.subject) {
    json& od = t.docs.Edit(keys::OfficerDay(rec["last_staff"].get<std::string>(), m.LocalDay(at)));
    Counter(od, "reversed") = Counter(od, "reversed").get<int64_t>() + 1;
  }
  // The stay in the old state ends: on time, or late without a breach event.
  if (rec.contains("deadline") && !rec["breached"].get<bool>()) {
    if (at > rec["deadline"].get<int64_t>()) {
      CountSla(t, m, m.LocalDay(at), "sla_breached");
      AttributeBreach(t, m, from, at);
    } else {
      CountSla(t, m, m.LocalDay(at), "sla_met");
    }
  }
  t.store.Delete(keys::Queue(m.name, from, rec["entered_at"], e.request_id));
  t.queues.Get(m.name, from).erase({rec["entered_at"].get<int64_t>(), e.request_id});
  Add(t.store, keys::StateCount(m.name, from), -1);
  Add(t.store, keys::StateCount(m.name, to), 1);
  if (to_st == nullptr || to_st->terminal) {
    json& ag = t.docs.Edit(keys::AgencyDay(m.name, m.LocalDay(at)));
    Counter(ag, "completions") = Counter(ag, "completions").get<int64_t>() + 1;
    ag["completion_us"].push_back(at - rec["submitted_at"].get<int64_t>());
  } else {
    Enqueue(t, m, to, at, e.request_id, e.seq);
  }
  rec["state"] = to;
  rec["entered_at"] = at;
  rec["entry_seq"] = e.seq;
  rec["updated_at"] = at;
  rec["breached"] = false;
  rec.erase("deadline");
  if (auto d = Time(e, f::kDeadline)) rec["deadline"] = *d;
  if (IsStaff(e.actor)) rec["last_staff"] = e.actor.subject;
  auto a = m.actions.find(action);
  Step(t, m, e, a != m.actions.end() ? a->second.title : "Dibatalkan oleh pemohon");
}

void SlaBreached(Target& t, const WorkflowModel& m, const events::Event& e) {
  json& rec = RequestOrThrow(t, e);
  std::string state = Text(e, f::kState);
  if (rec["state"] != state || rec["breached"].get<bool>()) return;
  rec["breached"] = true;
  rec["updated_at"] = e.time_us;
  CountSla(t, m, m.LocalDay(e.time_us), "sla_breached");
  AttributeBreach(t, m, state, e.time_us);
  Step(t, m, e, "Batas waktu layanan terlampaui");
}

void CommandRejected(Target& t, const WorkflowModel& m, const events::Event& e) {
  std::string reason = Text(e, f::kRefusal);
  json& od = t.docs.Edit(keys::OfficerDay(e.actor.subject, m.LocalDay(e.time_us)));
  Counter(od["refusals"], reason) = Counter(od["refusals"], reason).get<int64_t>() + 1;
  if (reason == "four_eyes") {
    Anomaly(t, m, e, "four_eyes_attempt",
            fmt::format("{} tried \"{}\" on {}: {}", e.actor.subject, Text(e, f::kAttempted),
                        e.request_id, Text(e, f::kMessage)),
            {e.seq});
  }
}

Docs::Doc& Docs::Load(const std::string& key) {
  auto it = docs_.find(key);
  if (it != docs_.end()) return it->second;
  Doc& d = docs_[key];
  if (auto v = store_.Get(key)) {
    d.value = json::parse(*v);
    d.exists = true;
  } else {
    d.value = json::object();
  }
  return d;
}

json* Docs::Find(const std::string& key) {
  Doc& d = Load(key);
  return d.exists || d.edited ? &d.value : nullptr;
}

json& Docs::Edit(const std::string& key) {
  Doc& d = Load(key);
  d.edited = true;
  return d.value;
}

void Docs::Flush() {
  for (auto& [key, d] : docs_) {
    if (d.edited) store_.Put(key, d.value.dump());
  }
  docs_.clear();
}

}  // namespace jejak::projections::apply
