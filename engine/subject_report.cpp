#include "engine/subject_report.h"

#include <fmt/format.h>

#include <set>

#include "base/error.h"
#include "base/reason.h"
#include "engine/personal_view.h"
#include "events/encoding.h"
#include "events/json.h"
#include "events/time.h"
#include "events/vocabulary.h"

namespace jejak::engine {
namespace {

namespace f = events::fields;
namespace t = events::types;
using nlohmann::json;

std::string Text(const events::Event& e, const char* name) {
  auto it = e.fields.find(name);
  return it == e.fields.end() ? "" : it->second.ToDisplayString();
}

json ActorJson(const events::Actor& a) {
  return {{"subject", a.subject}, {"role", a.role}, {"agency", a.agency}};
}

// The requests id submitted, from the by-actor index.
void RequestsOf(const ledger::Ledger& ledger, const std::string& id, std::set<std::string>* out) {
  if (id.empty()) return;
  for (uint64_t seq : ledger.SeqsByActor(id)) {
    auto entry = ledger.Get(seq);
    if (!entry) continue;
    events::EventKeys keys = events::CheckCanonical(entry->bytes);
    if (keys.type == t::kSubmitted) out->insert(std::string(keys.request_id));
  }
}

}  // namespace

SubjectReport BuildSubjectReport(Engine& engine, const std::string& given) {
  privacy::KeyStore* keys = engine.keys();
  std::string subject, external;
  if (privacy::KeyStore::IsSubjectId(given)) {
    subject = given;
  } else {
    external = given;
    if (keys != nullptr) subject = keys->Find(given).value_or("");
  }
  std::set<std::string> requests;
  RequestsOf(engine.ledger(), subject, &requests);
  RequestsOf(engine.ledger(), external, &requests);
  bool erased = false;
  engine.Read([&](const EngineState& s) { erased = !subject.empty() && s.IsErased(subject); });
  if (requests.empty() && subject.empty()) {
    throw base::Error(base::reason::kUnknownSubject,
                      fmt::format("jejak holds nothing about \"{}\"", given));
  }
  SubjectReport out;
  json list = json::array();
  for (const auto& id : requests) {
    json req = {{"request_id", id}};
    json personal = json::object(), steps = json::array(), accesses = json::array();
    std::set<std::string> opened;
    for (const auto& entry : engine.ledger().ReadRequest(id)) {
      events::Event e = events::Decode(entry.bytes);
      e.seq = entry.seq;
      std::string when = events::FormatRfc3339(e.time_us);
      if (e.type == t::kPersonalDataAccessed) {
        accesses.push_back({{"seq", e.seq},
                            {"time", when},
                            {"by", ActorJson(e.actor)},
                            {"fields", Text(e, f::kAccessedFields)},
                            {"interface", Text(e, f::kInterface)}});
        continue;
      }
      std::shared_ptr<const workflow::Workflow> wf;
      engine.Read([&](const EngineState& s) { wf = s.Find(e.workflow, e.workflow_version); });
      if (e.type == t::kSubmitted) {
        req["workflow"] = e.workflow;
        req["title"] = wf ? wf->title : "";
        req["agency"] = wf ? wf->agency : "";
        req["submitted_at"] = when;
      }
      ShownFields shown = ShowPersonalFields(
          e, wf.get(), [](const workflow::FieldSpec&) { return true; }, keys);
      for (const auto& name : shown.opened) {
        personal[name] = events::FieldToJson(e.fields.at(name))["value"];
        opened.insert(name);
      }
      for (const auto& [name, why] : shown.hidden) personal[name] = HiddenMarker(why);
      json step = {{"seq", e.seq}, {"time", when}, {"type", e.type}, {"by", ActorJson(e.actor)}};
      if (e.type == t::kAction || e.type == t::kApproval) step["action"] = Text(e, f::kAction);
      std::string to = Text(e, f::kTo);
      if (!to.empty()) step["state"] = to;
      steps.push_back(std::move(step));
    }
    req["personal_data"] = std::move(personal);
    req["processing"] = std::move(steps);
    req["accesses"] = std::move(accesses);
    if (!opened.empty()) out.opened[id] = {opened.begin(), opened.end()};
    list.push_back(std::move(req));
  }
  out.document = {{"subject", subject.empty() ? json() : json(subject)},
                  {"erased", erased},
                  {"requests", std::move(list)},
                  {"generated_at", events::FormatRfc3339(events::NowMicros())}};
  return out;
}

}  // namespace jejak::engine
