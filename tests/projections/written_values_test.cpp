// The values a commit stages with Store::Write: found by key while the
// commit is written, and walked in key order, the last written winning.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "projections/written_values.h"

namespace jejak::projections {
namespace {

TEST_CASE("projections: written values are found by key and walked in key order") {
  CHECK(WrittenValues().Find("a") == nullptr);
  WrittenValues none(std::vector<WrittenValues::KeyValue>{});
  CHECK(none.Find("a") == nullptr);
  CHECK(none.Sorted().empty());

  std::vector<WrittenValues::KeyValue> values;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 5000; ++i) {
    values.emplace_back(fmt::format("rq|R-{:06}", rng() % 1'000'000'000), fmt::format("v{}", i));
  }
  values.emplace_back("rq|dup", "first");
  values.emplace_back("od|x", "");
  values.emplace_back("rq|dup", "second");
  WrittenValues written(values);
  REQUIRE(written.size() == values.size());
  for (const auto& [key, value] : values) {
    if (key == "rq|dup") continue;
    REQUIRE(written.Find(key) != nullptr);
    CHECK(*written.Find(key) == value);
  }
  CHECK(*written.Find("rq|dup") == "second");
  CHECK(*written.Find("od|x") == "");
  CHECK(written.Find("rq|") == nullptr);
  CHECK(written.Find("rq|R-") == nullptr);

  std::vector<const WrittenValues::KeyValue*> sorted = written.Sorted();
  REQUIRE(sorted.size() == values.size());
  for (size_t i = 1; i < sorted.size(); ++i) CHECK(sorted[i - 1]->first <= sorted[i]->first);
  auto dup =
      std::find_if(sorted.begin(), sorted.end(), [](auto* kv) { return kv->first == "rq|dup"; });
  REQUIRE(dup + 1 != sorted.end());
  CHECK((*dup)->second == "first");  // then "second", which a write applies last
  CHECK((*(dup + 1))->second == "second");
}

}  // namespace
}  // namespace jejak::projections
