// WorkflowModel::FromJsonCached: status reads share one parsed model per
// model text, across stores, and bad text is refused as by FromJson.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "base/error.h"
#include "projections/model.h"

namespace jejak::projections {
namespace {

std::string ModelJson(const std::string& title) {
  return fmt::format(R"({{"name":"izin","version":1,"agency":"Dinas","title":"{}",)"
                     R"("calendar":{{"utc_offset_minutes":420,"working_days":["mon"],)"
                     R"("work_start_minute":480,"work_end_minute":960,"holidays":[]}},)"
                     R"("states":[{{"name":"baru","title":"Baru","terminal":false,)"
                     R"("responsible_roles":["petugas"],"initial":true}},)"
                     R"({{"name":"selesai","title":"Selesai","terminal":true,)"
                     R"("responsible_roles":[],"initial":false}}],)"
                     R"("actions":[{{"name":"setujui","title":"Disetujui","roles":["petugas"],)"
                     R"("from":["baru"],"to":"selesai"}}]}})",
                     title);
}

TEST_CASE("projections: parsed workflow models are shared per model text") {
  std::string a = ModelJson("Izin A"), b = ModelJson("Izin B");
  auto first = WorkflowModel::FromJsonCached(a);
  auto again = WorkflowModel::FromJsonCached(std::string(a));
  auto other = WorkflowModel::FromJsonCached(b);
  CHECK(first == again);
  CHECK(first != other);
  // Same name and version, other bytes (as in another store): its own model.
  CHECK(first->title == "Izin A");
  CHECK(other->title == "Izin B");
  CHECK(first->State("selesai")->terminal);
  CHECK(first->State("selesai")->depth == 1);
  CHECK_THROWS_AS(WorkflowModel::FromJsonCached("{}"), base::Error);
  CHECK_THROWS_AS(WorkflowModel::FromJsonCached("not json"), base::Error);
}

}  // namespace
}  // namespace jejak::projections
