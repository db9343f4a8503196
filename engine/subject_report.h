// The report a data subject may ask for (UU PDP Art 7 and 32; the "rekam
// jejak"): every request they made, the personal data jejak holds in it,
// every step taken on it and by whom, and every time staff were shown their
// personal fields (docs/PRIVACY.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.h"

namespace jejak::engine {

struct SubjectReport {
  nlohmann::json document;  // docs/PRIVACY.md, "The subject's report"
  // Per request, the personal fields the document shows in plaintext: whoever
  // shows it to staff records them (Engine::RecordAccess).
  std::map<std::string, std::vector<std::string>> opened;
};

// The report of a subject, named by external id (a NIK) or subject id.
// Requests from before subject ids count when named by external id. Throws
// kUnknownSubject if jejak holds nothing about them.
SubjectReport BuildSubjectReport(Engine& engine, const std::string& subject);

}  // namespace jejak::engine
