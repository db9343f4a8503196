#include "engine/personal_data.h"

#include <fmt/format.h>

#include <set>

#include "base/error.h"
#include "base/reason.h"
#include "events/vocabulary.h"
#include "privacy/sealing.h"

namespace jejak::engine {

using base::Error;
using privacy::KeyStore;
namespace t = events::types;

constexpr size_t kMaxStaffSubjects = 100'000;  // then the cache starts over

privacy::KeyStore& PersonalData::Keys() const {
  if (keys_ == nullptr) {
    throw Error(base::reason::kNoKeyStore,
                "applicants' ids and personal fields are kept only encrypted, and this jejak has "
                "no key-encryption key: start it with --kek FILE (jejak keys generate --kek FILE "
                "makes one; keep it outside the data directory)");
  }
  return *keys_;
}

std::optional<std::string> PersonalData::Find(const std::string& external_id) const {
  return FindByLookup(Keys().Lookup(external_id));
}

std::optional<std::string> PersonalData::FindByLookup(const std::string& lookup) const {
  {
    std::lock_guard lock(mu_);
    auto it = pending_ids_.find(lookup);
    if (it != pending_ids_.end()) return it->second;
  }
  // Settled subjects are in the store before they leave pending_ids_.
  return Keys().FindByLookup(lookup);
}

std::string PersonalData::SubjectOf(const std::string& external_id, const EngineState& state,
                                    std::vector<privacy::NewSubject>* created) {
  std::string lookup = Keys().Lookup(external_id);
  std::optional<std::string> subject = FindByLookup(lookup);
  if (subject && !state.IsErased(*subject)) return *subject;
  privacy::NewSubject s = KeyStore::MakeSubjectByLookup(std::move(lookup));
  {
    std::lock_guard lock(mu_);
    staff_subjects_.erase(external_id);
    pending_ids_[s.lookup] = s.id;
    pending_keys_[s.id] = s.data_key;
  }
  created->push_back(s);
  return s.id;
}

std::string PersonalData::SubmitAs(const std::string& applicant, const EngineState& state,
                                   std::vector<privacy::NewSubject>* created) {
  if (applicant.empty()) return applicant;
  if (KeyStore::IsSubjectId(applicant)) {
    // A subject acting again (its token names the subject id).
    if (state.IsErased(applicant) || DataKey(applicant).empty()) {
      throw Error(base::reason::kUnknownSubject, fmt::format("no subject {}", applicant));
    }
    return applicant;
  }
  return SubjectOf(applicant, state, created);
}

std::string PersonalData::ActAs(const std::string& applicant) const {
  if (applicant.empty() || KeyStore::IsSubjectId(applicant) || keys_ == nullptr) return applicant;
  return Find(applicant).value_or(applicant);
}

void PersonalData::Seal(events::Event& e, const EngineState& state,
                        std::vector<privacy::NewSubject>* created) {
  if (e.type != t::kSubmitted && e.type != t::kAction && e.type != t::kApproval &&
      e.type != t::kWithdrawn) {
    return;
  }
  const RequestState* r = state.Request(e.request_id);
  const workflow::Workflow* wf = r != nullptr ? r->workflow.get() : nullptr;
  std::shared_ptr<const workflow::Workflow> submitted_under;
  if (wf == nullptr) {  // a submission: the request is not in the state yet
    submitted_under = state.Find(e.workflow, e.workflow_version);
    wf = submitted_under.get();
  }
  if (wf == nullptr) return;
  std::set<std::string> personal;
  for (const auto& [name, value] : e.fields) {
    const workflow::FieldSpec* spec = wf->FindField(name);
    if (spec != nullptr && spec->pii && value.type() != events::FieldType::kSealed) {
      personal.insert(name);
    }
  }
  if (personal.empty()) return;
  std::string subject = r != nullptr ? r->applicant : e.actor.subject;
  if (!KeyStore::IsSubjectId(subject)) {
    // A request made before subjects: its applicant becomes one now.
    subject = SubjectOf(subject, state, created);
  }
  std::string key = state.IsErased(subject) ? "" : DataKey(subject);
  if (key.empty()) {
    throw Error(
        base::reason::kUnknownSubject,
        fmt::format("the applicant of {} is erased: no personal field can be added", e.request_id));
  }
  privacy::SealFields(key, subject, personal, e);
}

void PersonalData::MarkSelfDealing(events::Event& e, const EngineState& state) const {
  if (keys_ == nullptr || (e.type != t::kAction && e.type != t::kApproval) ||
      e.actor.role == workflow::kApplicantRole) {
    return;
  }
  const RequestState* r = state.Request(e.request_id);
  if (r == nullptr || !KeyStore::IsSubjectId(r->applicant)) return;
  std::optional<std::string> subject;
  bool known = false;
  {
    std::lock_guard lock(mu_);
    auto it = staff_subjects_.find(e.actor.subject);
    if (it != staff_subjects_.end()) {
      subject = it->second;
      known = true;
    }
  }
  if (!known) {
    subject = Find(e.actor.subject);
    std::lock_guard lock(mu_);
    if (staff_subjects_.size() >= kMaxStaffSubjects) staff_subjects_.clear();
    staff_subjects_[e.actor.subject] = subject;
  }
  if (subject == r->applicant) {
    e.fields.insert_or_assign(events::fields::kActorIsApplicant, events::FieldValue::Boolean(true));
  }
}

std::string PersonalData::DataKey(const std::string& subject) const {
  KeyStore& keys = Keys();
  {
    std::lock_guard lock(mu_);
    auto it = pending_keys_.find(subject);
    if (it != pending_keys_.end()) return it->second;
  }
  return keys.DataKey(subject).value_or("");
}

void PersonalData::Settled(const std::vector<privacy::NewSubject>& subjects) {
  std::lock_guard lock(mu_);
  for (const auto& s : subjects) {
    pending_ids_.erase(s.lookup);
    pending_keys_.erase(s.id);
  }
}

}  // namespace jejak::engine
