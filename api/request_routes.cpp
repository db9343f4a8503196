// POST /v1/requests, POST /v1/requests/{id}/actions, GET /v1/requests/{id},
// GET /v1/requests/{id}/history, GET /v1/requests/{id}/receipts/{seq}.
#include <fmt/format.h>

#include <algorithm>

#include "api/auth.h"
#include "api/problem.h"
#include "api/server_core.h"
#include "engine/request_state.h"
#include "engine/tracking_code.h"
#include "events/encoding.h"
#include "events/error.h"
#include "events/hex.h"
#include "events/json.h"
#include "events/time.h"
#include "ledger/hash.h"
#include "projections/status.h"

namespace jejak::api {
namespace {

using events::Error;
using events::ErrorCode;
using nlohmann::json;

// Field values as text, the form the engine converts from.
engine::FieldInputs Fields(const json& body) {
  engine::FieldInputs out;
  if (!body.contains("fields")) return out;
  if (!body["fields"].is_object()) {
    throw Error(ErrorCode::kInvalidArgument, "\"fields\" must be an object", reasons::kBadRequest);
  }
  for (const auto& [k, v] : body["fields"].items()) {
    out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out;
}

std::string Text(const json& body, const char* name) {
  if (!body.contains(name) || body[name].is_null()) return "";
  if (!body[name].is_string()) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("\"{}\" must be a string", name),
                reasons::kBadRequest);
  }
  return body[name];
}

std::string IdempotencyKey(const Request& req, const json& body) {
  std::string header = req.Header("idempotency-key");
  return header.empty() ? Text(body, "idempotency_key") : header;
}

json AcceptedJson(const engine::Accepted& a) {
  return {{"request_id", a.event.request_id},
          {"seq", a.event.seq},
          {"chain", ledger::HashToHex(a.chain)},
          {"request_version", a.request_version},
          {"replayed", a.replayed},
          {"event", events::ToJson(a.event)}};
}

std::string Outcome(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return e.reason().empty() ? std::string(events::ErrorCodeName(e.code())) : e.reason();
  } catch (...) {
    return "internal";
  }
}

// A command on its way: who to answer and how.
struct Pending {
  ServerCore* core;
  const char* name;  // in the metrics
  Reply reply;
  std::function<Response(const engine::Accepted&)> respond;
  engine::Accepted accepted;
};

// Runs a command without holding a server thread. start(done) hands it to
// the engine; the engine's answer comes back to a server thread, counted in
// the metrics, and goes out at once: reads of the request wait for the
// projections instead (ServerCore::AfterWrites).
void RunCommand(ServerCore& core, const char* name, Reply reply,
                const std::function<void(engine::Engine::Done)>& start,
                std::function<Response(const engine::Accepted&)> respond) {
  auto p =
      std::make_shared<Pending>(Pending{&core, name, std::move(reply), std::move(respond), {}});
  auto decided = [p](std::exception_ptr error) {
    ServerCore& c = *p->core;
    c.metrics.Command(p->name, error ? Outcome(error) : "");
    if (error) return p->reply(ProblemFor(error));
    c.Wrote(p->accepted.event.request_id, p->accepted.event.seq);
    c.projections->Notify();
    auto answer = [p] {
      try {
        p->reply(p->respond(p->accepted));
      } catch (...) {
        p->reply(ProblemFor(std::current_exception()));
      }
    };
    if (!c.receipts) return answer();
    // The receipt's checkpoint is made on its own thread, shared by the
    // commands answered together.
    c.receipts->WhenCovered(p->accepted.event.seq, [p, answer] { p->core->post(answer); });
  };
  try {
    start([p, decided](engine::Accepted a, std::exception_ptr error) {
      // On the engine's committer thread: hand over at once.
      p->accepted = std::move(a);
      p->core->post([decided, error] { decided(error); });
    });
  } catch (...) {
    core.metrics.Command(name, Outcome(std::current_exception()));
    throw;
  }
}

void Submit(ServerCore& core, const Request& req, Reply reply) {
  json body = ParseJsonBody(req);
  std::optional<Claims> caller = OptionalCaller(req, *core.tokens, core.NowS());
  engine::SubmitCommand cmd;
  cmd.workflow = Text(body, "workflow");
  // A citizen identified upstream (a national-ID login in front of jejak)
  // submits with the body's applicant; a token, when given, decides.
  cmd.applicant = caller ? caller->subject : Text(body, "applicant");
  cmd.fields = Fields(body);
  cmd.idempotency_key = IdempotencyKey(req, body);
  ServerCore* c = &core;
  RunCommand(
      core, "submit", std::move(reply),
      [&](engine::Engine::Done done) { core.engine->Submit(std::move(cmd), std::move(done)); },
      [c](const engine::Accepted& a) {
        json out = AcceptedJson(a);
        out["tracking_code"] = a.tracking_code;
        Claims applicant;
        applicant.subject = a.event.actor.subject;
        applicant.role = engine::kApplicantRole;
        applicant.request = a.event.request_id;
        applicant.issued_at = c->NowS();
        applicant.expires_at = applicant.issued_at + c->options.applicant_token_ttl_s;
        out["applicant_token"] = c->tokens->Issue(applicant);
        if (auto receipt = c->Receipt(a.event.seq)) out["receipt"] = *receipt;
        Response r = JsonResponse(a.replayed ? 200 : 201, out);
        r.headers["Location"] = "/v1/requests/" + a.event.request_id;
        return r;
      });
}

// An applicant's token is good for its own request only; staff tokens for
// their agency's requests (auditors see every agency).
void CheckScope(ServerCore& core, const Claims& caller, const std::string& request_id) {
  if (!IsStaff(caller)) {
    if (caller.request != request_id) {
      throw Error(ErrorCode::kPermissionDenied, "this token is for another request",
                  "not_applicant");
    }
    return;
  }
  if (caller.role == kAuditorRole) return;
  std::string agency;
  bool known = false;
  core.engine->Read([&](const engine::EngineState& s) {
    if (const engine::RequestState* r = s.Request(request_id)) {
      known = true;
      agency = r->workflow->agency;
    }
  });
  if (known && agency != caller.agency) {
    throw Error(ErrorCode::kPermissionDenied,
                fmt::format("request {} belongs to {}, the token to {}", request_id, agency,
                            caller.agency.empty() ? "no agency" : caller.agency),
                "wrong_agency");
  }
}

void Act(ServerCore& core, const Request& req, Reply reply) {
  Claims caller = RequireCaller(req, *core.tokens, core.NowS());
  const std::string& id = req.params.at("id");
  CheckScope(core, caller, id);
  json body = ParseJsonBody(req);
  std::optional<uint32_t> expect;
  if (body.contains("expected_version") && !body["expected_version"].is_null()) {
    if (!body["expected_version"].is_number_unsigned()) {
      throw Error(ErrorCode::kInvalidArgument, "\"expected_version\" must be a version number",
                  reasons::kBadRequest);
    }
    expect = body["expected_version"].get<uint32_t>();
  }
  std::string action = Text(body, "action");
  ServerCore* c = &core;
  auto respond = [c](const engine::Accepted& a) {
    json out = AcceptedJson(a);
    if (auto receipt = c->Receipt(a.event.seq)) out["receipt"] = *receipt;
    return JsonResponse(a.replayed ? 200 : 201, out);
  };
  if (action == "withdraw" && !IsStaff(caller)) {
    engine::WithdrawCommand cmd{id, caller.subject, Text(body, "reason"), expect,
                                IdempotencyKey(req, body)};
    RunCommand(
        core, "withdraw", std::move(reply),
        [&](engine::Engine::Done done) { core.engine->Withdraw(std::move(cmd), std::move(done)); },
        respond);
  } else {
    engine::ActCommand cmd;
    cmd.request_id = id;
    cmd.action = action;
    cmd.actor = {caller.subject, caller.role, caller.agency};
    cmd.fields = Fields(body);
    cmd.reason = Text(body, "reason");
    cmd.expect_version = expect;
    cmd.idempotency_key = IdempotencyKey(req, body);
    RunCommand(
        core, "act", std::move(reply),
        [&](engine::Engine::Done done) { core.engine->Act(std::move(cmd), std::move(done)); },
        respond);
  }
}

[[noreturn]] void UnknownRequest(const std::string& id) {
  // The same answer for an unknown request and a wrong tracking code, so
  // codes cannot probe which requests exist.
  throw Error(ErrorCode::kNotFound, fmt::format("no request {} for these credentials", id),
              "unknown_request");
}

// The caller may read request id: a token (staff, or the applicant's own),
// or the tracking code, checked against code_sha256 (hex; null when the
// request is unknown). Returns the caller when a token was given.
std::optional<Claims> AuthorizeRead(ServerCore& core, const Request& req,
                                    const std::string* code_sha256) {
  const std::string& id = req.params.at("id");
  if (std::optional<Claims> caller = OptionalCaller(req, *core.tokens, core.NowS())) {
    CheckScope(core, *caller, id);
    return caller;
  }
  std::string code = req.Header("x-tracking-code");
  if (code.empty()) code = req.Query("code").value_or("");
  if (code.empty()) {
    throw Error(ErrorCode::kPermissionDenied,
                "give the tracking code (X-Tracking-Code or ?code=) or a bearer token",
                reasons::kMissingToken);
  }
  if (code_sha256 == nullptr || *code_sha256 != events::ToHex(engine::TrackingCodeDigest(code))) {
    UnknownRequest(id);
  }
  return std::nullopt;
}

std::optional<Claims> AuthorizeRead(ServerCore& core, const Request& req, const json& status) {
  std::string code_sha256 = status.is_null() ? "" : status.value("tracking_code_sha256", "");
  return AuthorizeRead(core, req, status.is_null() ? nullptr : &code_sha256);
}

json LoadStatus(ServerCore& core, const std::string& id) {
  json status;
  core.projections->Read([&](const projections::Store& store) {
    if (auto s = projections::RequestStatus(store, id, events::NowMicros())) {
      status = std::move(*s);
    }
  });
  return status;
}

// The hot read: citizens polling their request (status_cache.h).
Response Status(ServerCore& core, const Request& req) {
  const std::string& id = req.params.at("id");
  std::optional<StatusText> status;
  core.projections->Read([&](const projections::Store& store) {
    status = core.statuses.Get(store, id, events::NowMicros());
  });
  AuthorizeRead(core, req, status ? &status->tracking_code_sha256 : nullptr);
  if (!status) UnknownRequest(id);
  Response r;
  r.body = *status->json;
  return r;
}

// Staff see the ledger's events, with personal fields only for the roles the
// workflow names; applicants see the public history.
Response History(ServerCore& core, const Request& req) {
  const std::string& id = req.params.at("id");
  json status = LoadStatus(core, id);
  std::optional<Claims> caller = AuthorizeRead(core, req, status);
  if (!caller || !IsStaff(*caller)) {
    if (status.is_null()) UnknownRequest(id);
    return JsonResponse(200,
                        {{"request_id", id}, {"history", status.value("history", json::array())}});
  }
  json out = json::array();
  for (const auto& entry : core.engine->ledger().ReadRequest(id)) {
    events::Event e = events::Decode(entry.bytes);
    e.seq = entry.seq;
    std::shared_ptr<const engine::Workflow> wf;
    core.engine->Read(
        [&](const engine::EngineState& s) { wf = s.Find(e.workflow, e.workflow_version); });
    json j = events::ToJson(e);
    if (wf && j.contains("fields") && j["fields"].is_object()) {
      for (const auto& f : wf->fields) {
        bool allowed =
            std::find(f.pii_roles.begin(), f.pii_roles.end(), caller->role) != f.pii_roles.end();
        if (f.pii && !allowed && j["fields"].contains(f.name)) j["fields"][f.name] = "[redacted]";
      }
    }
    out.push_back(std::move(j));
  }
  if (out.empty()) UnknownRequest(id);
  return JsonResponse(200, {{"request_id", id}, {"events", out}});
}

// A receipt holds the event's bytes, personal fields included, so only the
// applicant and auditors may fetch one.
Response RequestReceipt(ServerCore& core, const Request& req) {
  const std::string& id = req.params.at("id");
  std::optional<Claims> caller = AuthorizeRead(core, req, LoadStatus(core, id));
  if (caller && IsStaff(*caller)) RequireRole(*caller, kAuditorRole);
  uint64_t seq = 0;
  const std::string& text = req.params.at("seq");
  if (text.empty() || text.size() > 19 || !std::all_of(text.begin(), text.end(), ::isdigit)) {
    throw Error(ErrorCode::kInvalidArgument, "seq must be a ledger sequence number",
                reasons::kBadRequest);
  }
  seq = std::stoull(text);
  std::optional<ledger::Entry> entry =
      seq < core.engine->ledger().size() ? core.engine->ledger().Get(seq) : std::nullopt;
  if (!entry || events::Decode(entry->bytes).request_id != id) {
    throw Error(ErrorCode::kNotFound, fmt::format("request {} has no ledger entry {}", id, seq),
                "unknown_entry");
  }
  std::optional<json> receipt = core.Receipt(seq);
  if (!receipt) {
    throw Error(ErrorCode::kNotFound, "no receipts: the server has no signing key",
                "no_checkpoint");
  }
  return JsonResponse(200, *receipt);
}

}  // namespace

void AddRequestRoutes(ServerCore& core) {
  ServerCore* c = &core;
  core.router.AddAsync("POST", "/v1/requests",
                       [c](const Request& r, Reply reply) { Submit(*c, r, std::move(reply)); });
  core.router.AddAsync("POST", "/v1/requests/{id}/actions",
                       [c](const Request& r, Reply reply) { Act(*c, r, std::move(reply)); });
  // Reads of one request see this server's commands on it (AfterWrites).
  auto after_writes = [c](Response (*read)(ServerCore&, const Request&)) {
    return [c, read](const Request& r, Reply reply) {
      c->AfterWrites(r, r.params.at("id"), std::move(reply),
                     [c, read](const Request& q) { return read(*c, q); });
    };
  };
  core.router.AddAsync("GET", "/v1/requests/{id}", after_writes(Status));
  core.router.AddAsync("GET", "/v1/requests/{id}/history", after_writes(History));
  core.router.AddAsync("GET", "/v1/requests/{id}/receipts/{seq}", after_writes(RequestReceipt));
}

}  // namespace jejak::api
