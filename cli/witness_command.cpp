// jejak witness serve: a C2SP tlog-witness over HTTP (witness/witness.h), for
// another institution (the Ombudsman, BPKP, an Inspektorat) to run beside
// the logs it vouches for.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <thread>

#include "api/http_server.h"
#include "api/router.h"
#include "base/error.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/listen.h"
#include "cli/signals.h"
#include "ledger/note.h"
#include "witness/witness.h"

namespace jejak::cli {
namespace {

using base::Error;
using base::ErrorCode;

struct WitnessServeOptions {
  std::string key, listen = "127.0.0.1:8090";
  std::vector<std::string> logs;
  int threads = 2;
};

// "ORIGIN=KEY" or "KEY", where KEY is a verifier key or its file. A key's
// text ends in base64, which may hold '=', but never an origin's '+'.
ledger::VerifierKey ParseLogOption(const std::string& text) {
  size_t eq = text.find('=');
  bool has_origin = eq != std::string::npos && text.substr(0, eq).find('+') == std::string::npos;
  ledger::VerifierKey key = ledger::LoadVerifierKey(has_origin ? text.substr(eq + 1) : text);
  if (has_origin && text.substr(0, eq) != key.name) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("--log {}: the key's name \"{}\" is not the origin", text, key.name));
  }
  return key;
}

api::Router WitnessRoutes(witness::Witness& w) {
  api::Router router;
  router.Add("POST", "/add-checkpoint", [&w](const api::Request& req) {
    witness::WitnessResponse a = w.AddCheckpoint(req.body);
    return api::Response{a.status, a.content_type, a.body, {}};
  });
  router.Add("GET", "/{origin_hash}/checkpoint", [&w](const api::Request& req) {
    auto note = w.Latest(req.params.at("origin_hash"));
    if (!note)
      return api::Response{404, "text/plain; charset=utf-8", "no checkpoint cosigned\n", {}};
    return api::Response{200, "text/plain; charset=utf-8", *note, {}};
  });
  return router;
}

int RunWitnessServe(const Context& ctx, const WitnessServeOptions& o) {
  ctx.RequireData();
  witness::WitnessOptions wo;
  wo.data_dir = ctx.data_dir;
  wo.key = ledger::LoadSigningKey(o.key);
  for (const auto& log : o.logs) wo.logs.push_back(ParseLogOption(log));
  auto w = witness::Witness::Open(std::move(wo));
  api::Router router = WitnessRoutes(*w);
  api::HttpOptions ho;
  ParseListen(o.listen, &ho);
  ho.threads = o.threads;
  ho.body_limit = 64 << 10;  // 63 proof lines and a checkpoint fit many times over
  api::HttpServer server(ho, [&router](api::Request& req, api::Reply reply) {
    api::Response r;
    try {
      router.Match(req)(req, std::move(reply));
      return;
    } catch (const Error& e) {
      bool wrong_method = e.reason() == "method_not_allowed";
      r.status = wrong_method ? 405 : 404;
      r.content_type = "text/plain; charset=utf-8";
      r.body = wrong_method ? "method not allowed\n" : "not found\n";
      if (wrong_method) r.headers["Allow"] = router.Allowed(req.path);
    }
    reply(std::move(r));
  });
  std::string url = fmt::format("http://{}:{}", ho.host, server.port());
  if (ctx.json) {
    std::cout << nlohmann::json({{"url", url}}).dump() << std::endl;
  } else {
    fmt::print("Witnessing at {} ({} log(s))\n", url, o.logs.size());
    std::fflush(stdout);
  }
  const std::atomic<bool>& stop = StopRequested();
  while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server.Stop();
  if (!ctx.json) fmt::print("Stopped cleanly\n");
  return kExitOk;
}

}  // namespace

void AddWitnessCommands(CLI::App& app, Context& ctx) {
  static WitnessServeOptions o;
  auto* witness = app.add_subcommand(
      "witness", "Run a witness: cosign other institutions' jejak checkpoints (C2SP tlog-witness)");
  witness->require_subcommand(1);
  auto* serve = witness->add_subcommand(
      "serve",
      "Serve POST /add-checkpoint and GET /<origin hash>/checkpoint; state and evidence in DATA "
      "(stops cleanly on SIGTERM/SIGINT)");
  serve
      ->add_option("--key", o.key,
                   "The witness's cosigning key (made by 'jejak keys generate --witness')")
      ->required();
  serve
      ->add_option("--log", o.logs,
                   "A log to witness: ORIGIN=VERIFIER_KEY, the key as text or its .pub file "
                   "(repeatable; a rotated key is one more --log of the same origin)")
      ->required();
  serve->add_option("--listen", o.listen, "HOST:PORT to listen on (default 127.0.0.1:8090)");
  serve->add_option("--threads", o.threads, "HTTP threads (default 2)");
  AddCommonFlags(serve, ctx);
  serve->callback([&ctx] { ctx.run = [&ctx] { return RunWitnessServe(ctx, o); }; });
}

}  // namespace jejak::cli
