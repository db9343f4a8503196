// Internal: the decider's side of personal data (docs/PRIVACY.md).
// Applicants act under subject ids, never their external ids (a NIK), and
// the personal fields of their requests are sealed with their data keys
// before an event is encoded. New subjects are written to the key store by
// the committer, before the batch whose events use them, in one synced
// write; until then they are pending here, so later commands find them.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/request_state.h"
#include "events/event.h"
#include "privacy/key_store.h"

namespace jejak::engine {

class PersonalData {
 public:
  // keys may be null: then no command may name an applicant or carry a
  // personal field (reason no_key_store).
  explicit PersonalData(privacy::KeyStore* keys) : keys_(keys) {}

  // The subject id an applicant submits under: the external id's subject,
  // made (into created) if it has none or that one is erased. A subject id
  // itself is accepted if the key store knows it. Empty stays empty.
  std::string SubmitAs(const std::string& applicant, const EngineState& state,
                       std::vector<privacy::NewSubject>* created);
  // The subject id an applicant acts under on an existing request: the
  // external id's subject if it has one, else the id as given (requests
  // made before subjects existed name the external id).
  std::string ActAs(const std::string& applicant) const;

  // Seals the personal fields of a request event (submitted, action,
  // withdrawn) with the data key of the request's applicant, who is made a
  // subject (into created) if the request predates subjects.
  void Seal(events::Event& event, const EngineState& state,
            std::vector<privacy::NewSubject>* created);

  // The subject of an external id, pending or stored; nullopt if none.
  std::optional<std::string> Find(const std::string& external_id) const;
  // Whether the subject has a data key (pending or stored).
  bool HasKey(const std::string& subject) const { return !DataKey(subject).empty(); }

  // Marks a staff action by the request's own applicant (actor_is_applicant):
  // the event names the applicant by subject id only, so reports could not.
  void MarkSelfDealing(events::Event& event, const EngineState& state) const;

  // After the committer stored (or failed to store) them: no longer pending.
  void Settled(const std::vector<privacy::NewSubject>& subjects);

 private:
  privacy::KeyStore& Keys() const;
  std::optional<std::string> FindByLookup(const std::string& lookup) const;
  // The external id's subject, made (into created) if it has none or that
  // one is erased.
  std::string SubjectOf(const std::string& external_id, const EngineState& state,
                        std::vector<privacy::NewSubject>* created);
  std::string DataKey(const std::string& subject) const;

  privacy::KeyStore* keys_;
  mutable std::mutex mu_;  // the decider adds, the committer settles
  // Staff ids' subjects (nullopt: none), for MarkSelfDealing: staff are few
  // and act often. SubjectOf() drops an id it gives a subject.
  mutable std::unordered_map<std::string, std::optional<std::string>> staff_subjects_;
  std::map<std::string, std::string> pending_ids_;   // lookup -> subject id
  std::map<std::string, std::string> pending_keys_;  // subject id -> data key
};

}  // namespace jejak::engine
