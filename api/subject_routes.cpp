// The data subject's rights over HTTP (docs/PRIVACY.md): the report of what
// jejak holds about a subject, for the subject themself and for the
// data-protection officer, and erasure by that officer. Subjects are named
// in bodies, never in paths: a NIK must not end up in access logs.
#include <fmt/format.h>

#include "api/auth.h"
#include "api/server_core.h"
#include "base/error.h"
#include "base/reason.h"
#include "engine/subject_report.h"

namespace jejak::api {
namespace {

using base::Error;
using nlohmann::json;

std::string BodyText(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty()) {
    throw Error(base::reason::kBadRequest, fmt::format("\"{}\" must be a non-empty string", name));
  }
  return it->get<std::string>();
}

// GET /v1/subject/report: the caller's own report, with an applicant token.
Response OwnReport(ServerCore& core, const Request& req) {
  Claims caller = core.RequireCaller(req);
  if (IsStaff(caller)) {
    throw Error(base::reason::kWrongRole,
                "this is the applicant's own report; the data-protection officer asks with POST "
                "/v1/subjects/report");
  }
  return JsonResponse(200, engine::BuildSubjectReport(*core.engine, caller.subject).document);
}

// POST /v1/subjects/report {"subject"}: the officer's copy, on the record.
void OfficerReport(ServerCore& core, const Request& req, const Reply& reply) {
  Claims caller = core.RequireCaller(req);
  RequireRole(caller, kDpoRole);
  json body = ParseJsonBody(req);
  engine::SubjectReport r = engine::BuildSubjectReport(*core.engine, BodyText(body, "subject"));
  auto left = std::make_shared<std::atomic<size_t>>(r.opened.size() + 1);
  auto failed = std::make_shared<std::exception_ptr>();
  auto mu = std::make_shared<std::mutex>();
  auto answer = std::make_shared<Response>(JsonResponse(200, r.document));
  ServerCore* c = &core;
  auto one_done = [c, reply, left, failed, mu, answer](const std::exception_ptr& error) {
    if (error) {
      std::lock_guard lock(*mu);
      if (!*failed) *failed = error;
    }
    if (left->fetch_sub(1) != 1) return;
    c->post([reply, failed, answer] { reply(*failed ? ProblemFor(*failed) : *answer); });
  };
  for (const auto& [request, fields] : r.opened) {
    core.engine->RecordAccess(
        {request, {caller.subject, caller.role, caller.agency}, fields, "api"}, one_done);
  }
  one_done(nullptr);
}

// POST /v1/subjects/erase {"subject", "reason"}.
Response Erase(ServerCore& core, const Request& req) {
  Claims caller = core.RequireCaller(req);
  RequireRole(caller, kDpoRole);
  json body = ParseJsonBody(req);
  engine::Erasure e = core.engine->EraseSubject({BodyText(body, "subject"),
                                                 BodyText(body, "reason"),
                                                 {caller.subject, caller.role, caller.agency}});
  return JsonResponse(201, {{"subject", e.subject},
                            {"seq", e.accepted.event.seq},
                            {"plaintext_entries", e.plaintext_entries},
                            {"purged", e.purged},
                            {"purge_problem", e.purge_problem}});
}

}  // namespace

void AddSubjectRoutes(ServerCore& core) {
  ServerCore* c = &core;
  core.router.Add("GET", "/v1/subject/report", [c](const Request& r) { return OwnReport(*c, r); });
  core.router.AddAsync("POST", "/v1/subjects/report",
                       [c](const Request& r, Reply reply) { OfficerReport(*c, r, reply); });
  core.router.Add("POST", "/v1/subjects/erase", [c](const Request& r) { return Erase(*c, r); });
}

}  // namespace jejak::api
