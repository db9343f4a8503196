#include "engine/personal_view.h"

#include "privacy/sealing.h"

namespace jejak::engine {

std::string HiddenMarker(const std::string& why) {
  if (why == "erased") return "[dihapus / erased]";
  if (why == "sealed") return "[terenkripsi / encrypted]";
  return "[disembunyikan / redacted]";
}

ShownFields ShowPersonalFields(events::Event& e, const workflow::Workflow* wf,
                               const std::function<bool(const workflow::FieldSpec&)>& may_read,
                               const privacy::KeyStore* keys) {
  ShownFields out;
  if (wf == nullptr) return out;
  for (auto& [name, value] : e.fields) {
    const workflow::FieldSpec* spec = wf->FindField(name);
    if (spec == nullptr || !spec->pii) continue;
    if (!may_read(*spec)) {
      out.hidden[name] = "redacted";
      continue;
    }
    if (value.type() != events::FieldType::kSealed) {
      out.opened.push_back(name);  // written before sealing: plaintext in the ledger
      continue;
    }
    if (keys == nullptr) {
      out.hidden[name] = "sealed";
      continue;
    }
    std::optional<std::string> key = keys->DataKey(value.subject());
    if (!key) {
      out.hidden[name] = "erased";
      continue;
    }
    value = privacy::Unseal(*key, {e.request_id, e.id, name}, value);
    out.opened.push_back(name);
  }
  return out;
}

}  // namespace jejak::engine
