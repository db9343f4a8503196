// Workflows, reports, the ledger's checkpoint and proofs, metrics, health.
#include <fmt/format.h>

#include "api/auth.h"
#include "api/problem.h"
#include "api/server_core.h"
#include "base/error.h"
#include "base/reason.h"
#include "ledger/checkpoint.h"
#include "projections/report_options.h"
#include "projections/reports.h"
#include "workflow/graph.h"
#include "workflow/json.h"

namespace jejak::api {
namespace {

using base::Error;
using base::ErrorCode;
using nlohmann::json;

Response Workflows(ServerCore& core) {
  json out = json::array();
  core.engine->Read([&](const engine::EngineState& s) {
    for (const auto& wf : s.LatestWorkflows()) {
      out.push_back({{"name", wf->name},
                     {"version", wf->version},
                     {"agency", wf->agency},
                     {"title", wf->title}});
    }
  });
  return JsonResponse(200, {{"workflows", out}});
}

Response OneWorkflow(ServerCore& core, const Request& req) {
  const std::string& name = req.params.at("name");
  std::shared_ptr<const workflow::Workflow> wf;
  core.engine->Read([&](const engine::EngineState& s) { wf = s.Latest(name); });
  if (!wf) {
    throw Error(base::reason::kUnknownWorkflow, fmt::format("no workflow {} is deployed", name));
  }
  return JsonResponse(200,
                      {{"name", wf->name},
                       {"version", wf->version},
                       {"model", workflow::WorkflowToJson(*wf)},
                       {"mermaid", workflow::RenderGraph(*wf, workflow::GraphFormat::kMermaid)}});
}

Response Report(ServerCore& core, const Request& req, const std::string& kind) {
  RequireRole(core.RequireCaller(req), kAuditorRole);
  // Given but empty is not absent: "to=" names no day.
  for (const char* day : {"from", "to"}) {
    if (req.Query(day) && req.Query(day)->empty()) {
      throw Error(base::reason::kBadRequest,
                  fmt::format("query parameter {} must be a date (YYYY-MM-DD)", day));
    }
  }
  projections::ReportOptions ro = projections::ParseReportOptions(
      req.Query("from").value_or(""), req.Query("to").value_or(""),
      req.Query("grace").value_or("1h"), req.Query("burst").value_or("20/10m"),
      req.Query("reset_window").value_or("2h"));
  json report;
  core.projections->Read([&](const projections::Store& store) {
    report = kind == "officers"    ? projections::OfficerReport(store, ro)
             : kind == "anomalies" ? projections::AnomalyReport(store, ro)
                                   : projections::AgencyReport(store, ro);
  });
  return JsonResponse(200, report);
}

Response Checkpoint(ServerCore& core) {
  std::optional<std::string> note;
  if (core.receipts) {
    note = core.receipts->Covering(core.engine->ledger().size() - 1);  // the whole ledger
  } else {
    note = core.engine->ledger().LatestCheckpoint();
  }
  if (!note) {
    throw Error(base::reason::kNoCheckpoint, "no checkpoint yet: the server has no signing key");
  }
  Response r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = ledger::WithCosignatures(core.engine->ledger(), *note);
  return r;
}

json HexList(const std::vector<ledger::Hash>& hashes) {
  json out = json::array();
  for (const auto& h : hashes) out.push_back(ledger::HashToHex(h));
  return out;
}

// Trees beyond the ledger, and entries beyond a tree, do not exist (404);
// parameters that are each valid but together ask for the impossible (a
// proof from a larger tree to a smaller one) are 422.
void CheckExists(bool ok, const std::string& what) {
  if (!ok) throw Error(base::reason::kBeyondLedger, what);
}

Response Inclusion(ServerCore& core, const Request& req) {
  ledger::Ledger& l = core.engine->ledger();
  uint64_t ledger_size = l.size();
  uint64_t size = QueryUint(req, "size", ledger_size);
  uint64_t seq = QueryUint(req, "seq");
  if (req.Query("size") && size == 0) {
    throw Error(base::reason::kBadRequest, "query parameter size must be at least 1");
  }
  CheckExists(size <= ledger_size,
              fmt::format("no tree of size {}: the ledger holds {} entries", size, ledger_size));
  CheckExists(seq < size, fmt::format("entry {} is not in the tree of size {}", seq, size));
  return JsonResponse(200, {{"seq", seq},
                            {"tree_size", size},
                            {"root", ledger::HashToHex(l.MerkleRoot(size))},
                            {"proof", HexList(l.InclusionProof(seq, size))}});
}

Response Consistency(ServerCore& core, const Request& req) {
  ledger::Ledger& l = core.engine->ledger();
  uint64_t ledger_size = l.size();
  uint64_t to = QueryUint(req, "to", ledger_size);
  uint64_t from = QueryUint(req, "from");
  for (const char* name : {"from", "to"}) {
    if (req.Query(name) && (name[0] == 'f' ? from : to) == 0) {
      throw Error(base::reason::kBadRequest,
                  fmt::format("query parameter {} must be at least 1", name));
    }
  }
  CheckExists(to <= ledger_size,
              fmt::format("no tree of size {}: the ledger holds {} entries", to, ledger_size));
  if (from > to) {
    throw Error(base::reason::kBadRange,
                fmt::format("from ({}) must not exceed to ({}): a tree only grows", from, to));
  }
  return JsonResponse(200, {{"from", from},
                            {"to", to},
                            {"from_root", ledger::HashToHex(l.MerkleRoot(from))},
                            {"to_root", ledger::HashToHex(l.MerkleRoot(to))},
                            {"proof", HexList(l.ConsistencyProof(from, to))}});
}

Response MetricsText(ServerCore& core) {
  Metrics::Gauges g;
  g.ledger_size = core.engine->ledger().size();
  ledger::WriteHealth h = core.engine->ledger().Health();
  g.ledger_degraded = h.state != ledger::WriteHealth::kOk;
  g.ledger_write_errors = h.errors;
  g.projection_errors = core.projections->errors();
  g.projected = core.projections->next_seq();
  if (core.relay) {
    kafka::RelayStatus s = core.relay->status();
    g.relay = true;
    g.relay_lag = g.ledger_size > s.published ? g.ledger_size - s.published : 0;
    g.relay_published = s.published;
  }
  if (core.witnessing) {
    witness::WitnessingStatus w = core.witnessing->status();
    g.witnesses = w.witnesses;
    g.witness_cosignatures = w.cosignatures;
    g.witness_refusals = w.refusals;
  }
  Response r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = core.metrics.Render(g);
  return r;
}

// 200 while the server serves reads; "status" is "degraded" while the
// ledger (or its indexes, or the projections) cannot write, with what
// failed (docs/openapi.yaml).
Response Health(ServerCore& core) {
  ledger::WriteHealth h = core.engine->ledger().Health();
  std::string projections = core.projections->problem();
  static constexpr const char* kStates[] = {"ok", "degraded", "failed"};
  json ledger = {{"writable", h.appends}, {"state", kStates[h.state]}, {"write_errors", h.errors}};
  if (!h.problem.empty()) ledger["problem"] = h.problem;
  bool ok = h.state == ledger::WriteHealth::kOk && projections.empty();
  json out = {{"ledger_size", core.engine->ledger().size()}, {"ledger", ledger}};
  if (!projections.empty()) out["projections"] = {{"problem", projections}};
  if (core.witnessing) {
    witness::WitnessingStatus w = core.witnessing->status();
    out["witnesses"] = {{"configured", w.witnesses},    {"quorum", w.quorum},
                        {"checkpoint_size", w.size},    {"cosignatures", w.cosignatures},
                        {"refusals_total", w.refusals}, {"last_refusals", w.last_refusals}};
    ok = ok && !w.below_quorum();
  }
  out["status"] = ok ? "ok" : "degraded";
  return JsonResponse(200, out);
}

}  // namespace

void AddInfoRoutes(ServerCore& core) {
  ServerCore* c = &core;
  Router& r = core.router;
  r.Add("GET", "/v1/workflows", [c](const Request&) { return Workflows(*c); });
  r.Add("GET", "/v1/workflows/{name}", [c](const Request& q) { return OneWorkflow(*c, q); });
  for (std::string kind : {"officers", "anomalies", "agency"}) {
    // Reports see every command this server answered before (AfterWrites).
    r.AddAsync("GET", "/v1/reports/" + kind, [c, kind](const Request& q, const Reply& reply) {
      c->AfterWrites(q, "", reply, [c, kind](const Request& r) { return Report(*c, r, kind); });
    });
  }
  r.Add("GET", "/v1/ledger/checkpoint", [c](const Request&) { return Checkpoint(*c); });
  r.Add("GET", "/v1/ledger/proofs/inclusion", [c](const Request& q) { return Inclusion(*c, q); });
  r.Add("GET", "/v1/ledger/proofs/consistency",
        [c](const Request& q) { return Consistency(*c, q); });
  r.Add("GET", "/metrics", [c](const Request&) { return MetricsText(*c); });
  r.Add("GET", "/healthz", [c](const Request&) { return Health(*c); });
}

}  // namespace jejak::api
