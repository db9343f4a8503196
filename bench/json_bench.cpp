// The json row: api::DumpJson (api/json_writer.h), which writes every JSON
// response, beside nlohmann's dump() with the same options, on a tracking
// status document like the API's.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "api/json_writer.h"
#include "bench/bench.h"

namespace jejak::bench {
namespace {

using nlohmann::json;

// A request's status as GET /v1/requests/{id} answers it: plain text,
// numbers and a timeline of events.
json StatusDocument(uint64_t events) {
  json timeline = json::array();
  for (uint64_t i = 0; i < events; ++i) {
    timeline.push_back({{"seq", 1'000'000 + i},
                        {"time", "2026-12-07T09:15:00.123456Z"},
                        {"type", "action"},
                        {"action", "verifikasi_berkas"},
                        {"title", "Verifikasi berkas"},
                        {"state", "diverifikasi"},
                        {"actor_role", "verifikator"},
                        {"note", fmt::format("Berkas lengkap, lanjut ke kepala dinas #{}", i)}});
  }
  return {{"request_id", "OSS-2026-000123"},
          {"workflow", "oss-izin-usaha"},
          {"workflow_version", 2},
          {"state", "diverifikasi"},
          {"state_title", "Diverifikasi"},
          {"next_roles", {"kadis"}},
          {"deadline", "2026-12-09T16:00:00Z"},
          {"sla_ok", true},
          {"queue_position", 17},
          {"request_version", events},
          {"timeline", timeline}};
}

template <typename Dump>
double DocumentsPerSecond(const Context& ctx, Dump dump) {
  json doc = StatusDocument(ctx.params.Get("j_events"));
  uint64_t n = ctx.params.Get("j_documents");
  size_t bytes = 0;
  double start = Now();
  for (uint64_t i = 0; i < n; ++i) bytes += dump(doc).size();
  double elapsed = Now() - start;
  if (bytes == 0) throw std::logic_error("nothing was written");
  return static_cast<double>(n) / elapsed;
}

}  // namespace

JEJAK_BENCH_ROW(RowSpec{
    .name = "json.dump",
    .description = "api::DumpJson of a status document, as every JSON response is written",
    .unit = "documents/s",
    .baseline_name = "nlohmann dump() with the same output",
    .min_ratio = 1.1,
    .min_rate = 0,
    .params = {{"j_documents", 200'000, "documents written per run"},
               {"j_events", 12, "timeline events in the document"}},
    .sizes =
        [](const Context& ctx) {
          return fmt::format("{} documents with {} timeline events", ctx.params.Get("j_documents"),
                             ctx.params.Get("j_events"));
        },
    .jejak =
        [](const Context& ctx) {
          return DocumentsPerSecond(ctx, [](const json& d) { return api::DumpJson(d); });
        },
    .baseline =
        [](const Context& ctx) {
          return DocumentsPerSecond(ctx, [](const json& d) {
            return d.dump(-1, ' ', false, json::error_handler_t::replace);
          });
        },
    .notes = {},
});

}  // namespace jejak::bench
