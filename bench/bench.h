// The benchmark runner's registry. Each row group lives in its own file
// (ledger_bench.cpp, ...) and registers its rows at static-initialisation
// time with JEJAK_BENCH_ROW; main.cpp picks rows, runs them and prints the
// table (table.h).
//
// A row measures jejak and a baseline doing the same work, each in fresh
// state (a new scratch directory), and reports both as rates of the row's
// unit. The runner alternates which of the two goes first across runs so
// that neither always meets a warm or a cold page cache.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace jejak::bench {

// A numeric size a row can be asked to change on the command line
// (--name=N); rows that share a name share the value.
struct ParamSpec {
  std::string name;
  uint64_t default_value;
  std::string help;
};

class Params {
 public:
  // Throws std::invalid_argument if name was never declared by a selected row.
  uint64_t Get(const std::string& name) const;
  void Set(const std::string& name, uint64_t value) { values_[name] = value; }
  bool Has(const std::string& name) const { return values_.count(name) > 0; }

 private:
  std::map<std::string, uint64_t> values_;
};

// Where rows make scratch directories (--tmp), and the sizes to use.
struct Context {
  Params params;
  std::filesystem::path tmp_root;
};

// A fresh, empty directory under the context's tmp root; removed with its
// contents when destroyed.
class ScratchDir {
 public:
  explicit ScratchDir(const Context& ctx, const std::string& tag);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Seconds on a monotonic clock, for timing the measured part of a run only.
double Now();
// CPU seconds used so far by this process, all threads.
double CpuSeconds();

struct RowSpec {
  std::string name;  // "group.what"; --rows=group selects every row of a group
  std::string description;
  std::string unit;  // "appends/s"
  std::string baseline_name;
  double min_ratio = 0;  // the goal
  double min_rate = 0;   // an absolute goal for the jejak figure, if nonzero
  std::vector<ParamSpec> params;
  // Says what the figures measure at the given sizes, for the table.
  std::function<std::string(const Context&)> sizes;
  // Each call is one independent run returning a rate in unit.
  std::function<double(const Context&)> jejak;
  std::function<double(const Context&)> baseline;  // may be empty
  // Said once the runs are done: figures beside the rates, such as latency
  // percentiles the run functions kept. May be empty.
  std::function<std::string(const Context&)> notes;
};

// Returns true so that it can initialise a static.
bool RegisterRow(RowSpec spec);
// In registration order within a file; files in link order.
const std::vector<RowSpec>& RegisteredRows();

#define JEJAK_BENCH_CONCAT2(a, b) a##b
#define JEJAK_BENCH_CONCAT(a, b) JEJAK_BENCH_CONCAT2(a, b)
// JEJAK_BENCH_ROW(RowSpec{...}); at namespace scope in a row group's file.
#define JEJAK_BENCH_ROW(...)                                         \
  static const bool JEJAK_BENCH_CONCAT(jejak_bench_row_, __LINE__) = \
      ::jejak::bench::RegisterRow(__VA_ARGS__)

}  // namespace jejak::bench
