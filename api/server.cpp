#include "api/server.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>

#include "api/auth.h"
#include "api/json_body.h"
#include "api/json_writer.h"
#include "api/problem.h"
#include "api/server_core.h"
#include "base/error.h"
#include "base/reason.h"
#include "events/time.h"
#include "kafka/checkpoint_publisher.h"
#include "ledger/checkpoint.h"
#include "ledger/receipt.h"

namespace jejak::api {

using base::Error;
using base::ErrorCode;
using nlohmann::json;
namespace fs = std::filesystem;

Response ProblemFor(const std::exception_ptr& error) noexcept {
  try {
    try {
      std::rethrow_exception(error);
    } catch (const Error& e) {
      return ProblemResponse(e);
    } catch (const json::exception& e) {
      return ProblemResponse(
          Error(base::reason::kBadRequest, fmt::format("bad JSON member: {}", e.what())));
    } catch (const std::exception& e) {
      return ProblemResponse(
          Error(ErrorCode::kIoError, fmt::format("internal error: {}", e.what())));
    } catch (...) {
      return ProblemResponse(Error(ErrorCode::kIoError, "internal error"));
    }
  } catch (...) {
    // Even building the document failed (out of memory): a bare answer.
    Response r;
    r.status = 500;
    r.content_type = "text/plain";
    return r;
  }
}

void ServerCore::Handle(Request& req, Reply reply) {
  auto started = std::chrono::steady_clock::now();
  Reply answer = [this, started, reply = std::move(reply)](Response res) {
    metrics.Http(res.status,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    reply(std::move(res));
  };
  try {
    try {
      if (!address_limiter.Admit(req.remote)) {
        throw Error(base::reason::kRateLimited, "too many requests from this address; slow down");
      }
      router.Match(req)(req, answer);
    } catch (...) {
      // Handlers throw only before they answer.
      Response res = ProblemFor(std::current_exception());
      if (res.status == 405) res.headers["Allow"] = router.Allowed(req.path);
      answer(std::move(res));
    }
  } catch (...) {
    // Answering itself failed (out of memory): the connection times out.
  }
}

std::optional<Claims> ServerCore::OptionalCaller(const Request& req) {
  std::optional<Claims> caller = api::OptionalCaller(req, *tokens, NowS());
  if (caller && !identity_limiter.Admit(caller->subject)) {
    throw Error(base::reason::kRateLimited,
                "too many requests for this token's subject; slow down");
  }
  return caller;
}

Claims ServerCore::RequireCaller(const Request& req) {
  std::optional<Claims> caller = OptionalCaller(req);
  if (!caller) {
    throw Error(base::reason::kMissingToken, "this endpoint needs a bearer token");
  }
  return *caller;
}

int64_t ServerCore::NowS() const { return events::NowMicros() / 1'000'000; }

namespace {
constexpr auto kProjectionWait = std::chrono::milliseconds(500);
constexpr size_t kWrittenSweep = 1 << 16;
}  // namespace

void ServerCore::Wrote(const std::string& request_id, uint64_t seq) {
  std::lock_guard lock(written_mu);
  uint64_t& next = written[request_id];
  next = std::max(next, seq + 1);
  if (next > written_max.load(std::memory_order_relaxed)) written_max.store(next);
  if (written.size() >= kWrittenSweep) {
    uint64_t applied = projections->next_seq();
    std::erase_if(written, [&](const auto& w) { return w.second <= applied; });
  }
}

void ServerCore::AfterWrites(const Request& req, const std::string& request_id, const Reply& reply,
                             const std::function<Response(const Request&)>& read) {
  uint64_t need = 0;
  // Wrote() updates written_max before the command is answered, so a read
  // that follows its client's write sees it here.
  if (projections->next_seq() >= written_max.load()) return reply(read(req));
  if (request_id.empty()) {
    need = written_max.load();
  } else {
    std::lock_guard lock(written_mu);
    auto it = written.find(request_id);
    if (it != written.end()) need = it->second;
  }
  if (need == 0 || projections->next_seq() >= need) return reply(read(req));
  auto copy = std::make_shared<Request>(req);
  projections->WhenApplied(need, kProjectionWait, [this, copy, reply, read] {
    post([copy, reply, read] {
      try {
        reply(read(*copy));
      } catch (...) {
        reply(ProblemFor(std::current_exception()));
      }
    });
  });
}

std::optional<json> ServerCore::Receipt(uint64_t seq) {
  if (!receipts) return std::nullopt;
  return ledger::MakeReceipt(engine->ledger(), seq, receipts->Covering(seq));
}

json ParseJsonBody(const Request& req) {
  json body = ParseStrictJson(req.body, "the request body");
  if (!body.is_object()) {
    throw Error(base::reason::kBadRequest, "the request body must be a JSON object");
  }
  return body;
}

Response JsonResponse(int status, const json& body) {
  Response r;
  r.status = status;
  r.body = DumpJson(body);
  return r;
}

uint64_t ParseUint(std::string_view text, const std::string& what, uint64_t max) {
  uint64_t v = 0;
  bool digits = !text.empty() &&
                std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (!digits || ec != std::errc() || end != text.data() + text.size() || v > max) {
    throw Error(base::reason::kBadRequest,
                fmt::format("{} must be an integer from 0 to {}", what, max));
  }
  return v;
}

uint64_t QueryUint(const Request& req, const std::string& name, std::optional<uint64_t> fallback) {
  std::optional<std::string> v = req.Query(name);
  if (!v) {
    if (fallback) return *fallback;
    throw Error(base::reason::kBadRequest, fmt::format("query parameter {} is required", name));
  }
  return ParseUint(*v, "query parameter " + name);
}

namespace {

std::vector<std::shared_ptr<const workflow::Workflow>> LoadWorkflows(const std::string& dir) {
  std::vector<std::shared_ptr<const workflow::Workflow>> out;
  if (dir.empty()) return out;
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(dir, ec)) {
    std::string ext = f.path().extension().string();
    if (ext == ".yaml" || ext == ".yml") files.push_back(f.path().string());
  }
  if (ec) {
    throw Error(ErrorCode::kNotFound,
                fmt::format("cannot read workflows in {}: {}", dir, ec.message()));
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) out.push_back(workflow::LoadWorkflowFile(f));
  // Versions of one workflow must be deployed in order.
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a->version < b->version; });
  return out;
}

}  // namespace

std::unique_ptr<ServerCore> StartCore(ServerOptions options) {
  if (options.data_dir.empty()) throw Error(ErrorCode::kInvalidArgument, "no data directory");
  fs::create_directories(options.data_dir);
  auto workflows = LoadWorkflows(options.workflows_dir);
  auto core = std::make_unique<ServerCore>();
  core->statuses.SetCapacity(options.status_cache_entries);
  std::string signing_path = options.signing_key;
  if (signing_path.empty() && fs::exists(options.data_dir + "/keys/jejak.key")) {
    signing_path = options.data_dir + "/keys/jejak.key";
  }
  if (!signing_path.empty()) {
    core->signing = ledger::LoadSigningKey(signing_path);
    // Announcing appends directly, so it happens before the engine opens.
    auto ledger = ledger::Ledger::Open(options.data_dir + "/ledger", options.ledger);
    ledger::AnnounceAndCheckpoint(*ledger, *core->signing, ledger::SystemActor());
  }
  engine::EngineOptions eo;
  eo.data_dir = options.data_dir;
  eo.ledger = options.ledger;
  eo.kek = options.kek;
  core->engine = engine::Engine::Open(std::move(eo));
  for (const auto& wf : workflows) {
    core->engine->Deploy(wf, events::Actor{"admin", "admin", wf->agency});
  }
  core->projections = std::make_unique<projections::LiveProjector>(
      core->engine->ledger(), options.data_dir + "/projections", std::chrono::milliseconds(20),
      options.ledger.env);
  if (core->signing && options.checkpoint_interval.count() > 0) {
    core->checkpointer = std::make_unique<ledger::PeriodicCheckpointer>(
        core->engine->ledger(), *core->signing, options.checkpoint_interval, core->Recorder());
  }
  if (core->signing) {
    core->receipts = std::make_unique<ReceiptCheckpoints>(core->engine->ledger(), *core->signing,
                                                          core->Recorder());
  }
  if (!options.witnesses.empty()) {
    if (!core->signing) {
      throw Error(ErrorCode::kInvalidArgument, "--witness needs a signing key (--key)");
    }
    std::function<void(const std::string&)> publish;
    if (!options.kafka.empty()) {
      auto publisher = std::make_shared<kafka::CheckpointPublisher>(
          options.kafka, options.kafka_checkpoints_topic);
      publish = [publisher](const std::string& note) { publisher->Publish(note); };
    }
    core->witnessing = std::make_unique<witness::LogWitnessing>(
        core->engine->ledger(), options.witnesses, options.witness_quorum, options.witness_interval,
        [](const std::string& line) { fmt::print(stderr, "jejak serve: {}\n", line); },
        std::move(publish));
  }
  if (!options.kafka.empty()) {
    kafka::RelayOptions ro;
    ro.data_dir = options.data_dir;
    ro.bootstrap = options.kafka;
    ro.topic = options.kafka_topic;
    core->relay = kafka::Relay::Start(core->engine->ledger(), std::move(ro));
  }
  std::string token_path =
      options.token_key.empty() ? options.data_dir + "/token.key" : options.token_key;
  core->tokens = std::make_unique<TokenKey>(TokenKey::Load(token_path, true));
  core->identity_limiter.Configure(options.rate_per_s, options.rate_burst);
  core->address_limiter.Configure(options.address_rate_per_s.value_or(options.rate_per_s),
                                  options.address_rate_burst.value_or(options.rate_burst));
  core->options = std::move(options);
  AddRequestRoutes(*core);
  AddInfoRoutes(*core);
  AddTrackPage(*core);
  AddSubjectRoutes(*core);
  return core;
}

std::unique_ptr<Server> Server::Start(ServerOptions options) {
  std::unique_ptr<Server> server(new Server());
  server->core_ = StartCore(std::move(options));
  ServerCore* c = server->core_.get();
  server->http_ = std::make_unique<HttpServer>(
      c->options.http, [c](Request& req, Reply reply) { c->Handle(req, std::move(reply)); });
  c->post = [http = server->http_.get()](std::function<void()> work) {
    http->Post(std::move(work));
  };
  server->port_ = server->http_->port();
  const std::string& host = c->options.http.host;
  server->url_ = host.find(':') == std::string::npos
                     ? fmt::format("http://{}:{}", host, server->port_)
                     : fmt::format("http://[{}]:{}", host, server->port_);  // IPv6
  return server;
}

Server::~Server() { Stop(); }

std::vector<Route> Server::Routes() const { return core_->router.Routes(); }

std::string Server::StorageFailure() const {
  if (!core_) return "";
  ledger::WriteHealth h = core_->engine->ledger().Health();
  return h.state == ledger::WriteHealth::kFailed ? h.problem : "";
}

void Server::Stop() {
  if (!http_) return;
  http_->Stop();
  if (core_->checkpointer) {
    core_->checkpointer.reset();
    try {
      // If the ledger grew.
      ledger::MakeCheckpoint(core_->engine->ledger(), *core_->signing, core_->Recorder());
    } catch (const Error& e) {
      fmt::print(stderr, "jejak serve: last checkpoint: {}\n", e.what());
    }
  }
  if (core_->witnessing) {
    try {
      core_->witnessing->CosignLatest();  // the last checkpoint too
    } catch (const Error& e) {
      fmt::print(stderr, "jejak serve: last cosigning: {}\n", e.what());
    }
    core_->witnessing.reset();
  }
  // The engine may still answer a command that outlived the grace period:
  // its answer is posted to the stopped server and dropped, so the HTTP
  // server goes last.
  core_.reset();  // relay, projections (a last catch-up), engine
  http_.reset();
}

}  // namespace jejak::api
