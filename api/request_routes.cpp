// POST /v1/requests, POST /v1/requests/{id}/actions, GET /v1/requests/{id},
// GET /v1/requests/{id}/history, GET /v1/requests/{id}/receipts/{seq}.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "api/auth.h"
#include "api/problem.h"
#include "api/server_core.h"
#include "base/error.h"
#include "base/hex.h"
#include "base/reason.h"
#include "engine/personal_view.h"
#include "engine/request_state.h"
#include "engine/tracking_code.h"
#include "events/encoding.h"
#include "events/field_value.h"
#include "events/json.h"
#include "events/time.h"
#include "ledger/hash.h"
#include "projections/status.h"

namespace jejak::api {
namespace {

using base::Error;
using base::ErrorCode;
using nlohmann::json;

// Longest texts of the body's members (the parser bounds every string at
// 64 KiB, json_body.h): names and ids, and a reason.
constexpr size_t kMaxName = 256;
constexpr size_t kMaxReason = 4096;

// Field values as text, the form the engine converts from.
engine::FieldInputs Fields(const json& body) {
  engine::FieldInputs out;
  auto fields = body.find("fields");
  if (fields == body.end()) return out;
  if (!fields->is_object()) {
    throw Error(base::reason::kBadRequest, "\"fields\" must be an object");
  }
  for (const auto& [k, v] : fields->items()) {
    if (v.is_string()) {
      out[k] = v.get<std::string>();
    } else if (v.is_number() || v.is_boolean()) {
      out[k] = v.dump();
    } else {
      throw Error(base::reason::kBadRequest,
                  fmt::format("\"fields.{}\" must be a string, a number or a boolean", k));
    }
  }
  return out;
}

std::string Text(const json& body, const char* name, size_t max = kMaxName) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return "";
  if (!it->is_string()) {
    throw Error(base::reason::kBadRequest, fmt::format("\"{}\" must be a string", name));
  }
  if (it->get_ref<const std::string&>().size() > max) {
    throw Error(base::reason::kBadRequest,
                fmt::format("\"{}\" is longer than {} bytes", name, max));
  }
  return it->get<std::string>();
}

std::string IdempotencyKey(const Request& req, const json& body) {
  std::string header = req.Header("idempotency-key");
  if (header.empty()) return Text(body, "idempotency_key");
  if (header.size() > kMaxName || !events::IsValidUtf8(header)) {
    throw Error(base::reason::kBadRequest,
                fmt::format("Idempotency-Key must be UTF-8 text of at most {} bytes", kMaxName));
  }
  return header;
}

json AcceptedJson(const engine::Accepted& a) {
  return {{"request_id", a.event.request_id},
          {"seq", a.event.seq},
          {"chain", ledger::HashToHex(a.chain)},
          {"request_version", a.request_version},
          {"replayed", a.replayed},
          {"event", events::ToJson(a.event)}};
}

std::string Outcome(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return e.reason().empty() ? std::string(base::ErrorCodeName(e.code())) : e.reason();
  } catch (...) {
    return "internal";
  }
}

// A command on its way: who to answer and how.
// A command's refusal, as the metrics and the client see it.
struct Refusal {
  std::string outcome;
  Response problem;
};

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
  // Runs on a server thread, where nothing may throw out.
  auto decided = [p](const std::shared_ptr<Refusal>& refusal) {
    try {
      ServerCore& c = *p->core;
      c.metrics.Command(p->name, refusal ? refusal->outcome : "");
      if (refusal) return p->reply(refusal->problem);
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
    } catch (...) {
      p->reply(ProblemFor(std::current_exception()));
    }
  };
  try {
    start([p, decided](engine::Accepted a, const std::exception_ptr& error) {
      // On the engine's committer thread: hand over at once. A refusal is
      // read here, so that the exception stays on the engine's threads: its
      // reference count lives in libstdc++, where ThreadSanitizer cannot see
      // it, and nothing else needs it.
      p->accepted = std::move(a);
      std::shared_ptr<Refusal> refusal;
      if (error) refusal = std::make_shared<Refusal>(Refusal{Outcome(error), ProblemFor(error)});
      p->core->post([decided, refusal] { decided(refusal); });
    });
  } catch (...) {
    core.metrics.Command(name, Outcome(std::current_exception()));
    throw;
  }
}

void Submit(ServerCore& core, const Request& req, Reply reply) {
  json body = ParseJsonBody(req);
  std::optional<Claims> caller = core.OptionalCaller(req);
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
        applicant.role = workflow::kApplicantRole;
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

[[noreturn]] void UnknownRequest(const std::string& id) {
  // The same answer for an unknown request, a wrong tracking code and a
  // request of another agency, so that none can probe which requests exist.
  throw Error(base::reason::kUnknownRequest,
              fmt::format("no request {} for these credentials", id));
}

// An applicant's token is good for its own request only; staff tokens for
// their agency's requests (auditors see every agency).
void CheckScope(ServerCore& core, const Claims& caller, const std::string& request_id) {
  if (!IsStaff(caller)) {
    if (caller.request != request_id) {
      throw Error(base::reason::kNotApplicant, "this token is for another request");
    }
    return;
  }
  if (caller.role == kAuditorRole) return;
  bool mine = false;
  core.engine->Read([&](const engine::EngineState& s) {
    const engine::RequestState* r = s.Request(request_id);
    mine = r != nullptr && r->workflow->agency == caller.agency;
  });
  if (!mine) UnknownRequest(request_id);
}

void Act(ServerCore& core, const Request& req, Reply reply) {
  Claims caller = core.RequireCaller(req);
  const std::string& id = req.params.at("id");
  try {
    CheckScope(core, caller, id);
  } catch (...) {
    core.metrics.Command("act", Outcome(std::current_exception()));  // a refusal, as the engine's
    throw;
  }
  json body = ParseJsonBody(req);
  std::optional<uint32_t> expect;
  if (auto v = body.find("expected_version"); v != body.end() && !v->is_null()) {
    // Checked before narrowing: 2^32 + 1 is not version 1.
    if (!v->is_number_unsigned() || v->get<uint64_t>() > UINT32_MAX) {
      throw Error(base::reason::kBadRequest,
                  fmt::format("\"expected_version\" must be an integer from 0 to {}", UINT32_MAX));
    }
    expect = static_cast<uint32_t>(v->get<uint64_t>());
  }
  std::string action = Text(body, "action");
  ServerCore* c = &core;
  auto respond = [c](const engine::Accepted& a) {
    json out = AcceptedJson(a);
    if (auto receipt = c->Receipt(a.event.seq)) out["receipt"] = *receipt;
    return JsonResponse(a.replayed ? 200 : 201, out);
  };
  if (action == "withdraw" && !IsStaff(caller)) {
    engine::WithdrawCommand cmd{id, caller.subject, Text(body, "reason", kMaxReason), expect,
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
    cmd.reason = Text(body, "reason", kMaxReason);
    cmd.expect_version = expect;
    cmd.idempotency_key = IdempotencyKey(req, body);
    RunCommand(
        core, "act", std::move(reply),
        [&](engine::Engine::Done done) { core.engine->Act(std::move(cmd), std::move(done)); },
        respond);
  }
}

// The caller may read request id: a token (staff, or the applicant's own),
// or the tracking code, checked against code_sha256 (hex; null when the
// request is unknown). Returns the caller when a token was given.
std::optional<Claims> AuthorizeRead(ServerCore& core, const Request& req,
                                    const std::string* code_sha256) {
  const std::string& id = req.params.at("id");
  if (std::optional<Claims> caller = core.OptionalCaller(req)) {
    CheckScope(core, *caller, id);
    return caller;
  }
  std::string code = req.Header("x-tracking-code");
  if (code.empty()) code = req.Query("code").value_or("");
  if (code.empty()) {
    throw Error(base::reason::kMissingToken,
                "give the tracking code (X-Tracking-Code or ?code=) or a bearer token");
  }
  bool right =
      code_sha256 != nullptr && *code_sha256 == base::ToHex(engine::TrackingCodeDigest(code));
  switch (core.guesses.Check(id, req.remote, right)) {
    case GuessGuard::Outcome::kRight:
      return std::nullopt;
    case GuessGuard::Outcome::kWrong:
      UnknownRequest(id);
    case GuessGuard::Outcome::kThrottled:
      break;
  }
  throw Error(base::reason::kTooManyGuesses,
              "too many wrong tracking codes for this request or from this address; the code "
              "was not checked, try again later");
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
// workflow names; applicants see the public history. Personal fields shown
// are described in *access, for the access trail (HistoryRoute).
Response History(ServerCore& core, const Request& req,
                 std::optional<engine::AccessRecord>* access) {
  const std::string& id = req.params.at("id");
  json status = LoadStatus(core, id);
  std::optional<Claims> caller = AuthorizeRead(core, req, status);
  if (!caller || !IsStaff(*caller)) {
    if (status.is_null()) UnknownRequest(id);
    return JsonResponse(200,
                        {{"request_id", id}, {"history", status.value("history", json::array())}});
  }
  json out = json::array();
  std::set<std::string> opened;
  for (const auto& entry : core.engine->ledger().ReadRequest(id)) {
    events::Event e = events::Decode(entry.bytes);
    e.seq = entry.seq;
    std::shared_ptr<const workflow::Workflow> wf;
    core.engine->Read(
        [&](const engine::EngineState& s) { wf = s.Find(e.workflow, e.workflow_version); });
    const std::string& role = caller->role;
    engine::ShownFields shown = engine::ShowPersonalFields(
        e, wf.get(),
        [&](const workflow::FieldSpec& f) {
          return std::find(f.pii_roles.begin(), f.pii_roles.end(), role) != f.pii_roles.end();
        },
        core.engine->keys());
    json j = events::ToJson(e);
    for (const auto& [name, why] : shown.hidden) j["fields"][name] = engine::HiddenMarker(why);
    opened.insert(shown.opened.begin(), shown.opened.end());
    out.push_back(std::move(j));
  }
  if (out.empty()) UnknownRequest(id);
  if (access != nullptr && !opened.empty()) {
    *access = engine::AccessRecord{id, {caller->subject, caller->role, caller->agency},
                                   {opened.begin(), opened.end()}, "api"};
  }
  return JsonResponse(200, {{"request_id", id}, {"events", out}});
}

// A receipt holds the event's bytes, personal fields included, so only the
// applicant and auditors may fetch one.
Response RequestReceipt(ServerCore& core, const Request& req) {
  const std::string& id = req.params.at("id");
  std::optional<Claims> caller = AuthorizeRead(core, req, LoadStatus(core, id));
  if (caller && IsStaff(*caller)) RequireRole(*caller, kAuditorRole);
  uint64_t seq = ParseUint(req.params.at("seq"), "seq");
  std::optional<ledger::Entry> entry =
      seq < core.engine->ledger().size() ? core.engine->ledger().Get(seq) : std::nullopt;
  if (!entry || events::Decode(entry->bytes).request_id != id) {
    throw Error(base::reason::kUnknownEntry,
                fmt::format("request {} has no ledger entry {}", id, seq));
  }
  std::optional<json> receipt = core.Receipt(seq);
  if (!receipt) {
    throw Error(base::reason::kNoCheckpoint, "no receipts: the server has no signing key");
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
  // A history that shows personal fields is answered once its access record
  // is durable: no one sees them without a trail.
  core.router.AddAsync("GET", "/v1/requests/{id}/history", [c](const Request& r, Reply reply) {
    auto access = std::make_shared<std::optional<engine::AccessRecord>>();
    c->AfterWrites(
        r, r.params.at("id"),
        [c, reply, access](Response res) {
          if (!*access) return reply(std::move(res));
          try {
            c->engine->RecordAccess(
                std::move(**access),
                [c, reply, res = std::move(res)](const std::exception_ptr& error) {
                  c->post([reply, res, error] { reply(error ? ProblemFor(error) : res); });
                });
          } catch (...) {
            reply(ProblemFor(std::current_exception()));
          }
        },
        [c, access](const Request& q) { return History(*c, q, access.get()); });
  });
  core.router.AddAsync("GET", "/v1/requests/{id}/receipts/{seq}", after_writes(RequestReceipt));
}

}  // namespace jejak::api
