// jejak_bench: runs the registered rows and prints the table.
//
//   jejak_bench [--rows=NAME,...] [--runs=N] [--json] [--tmp=DIR] [--PARAM=N ...]
//   jejak_bench --list
//
// Progress goes to stderr, the table (or JSON) to stdout.
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <random>
#include <set>
#include <stdexcept>

#include "bench/bench.h"
#include "bench/table.h"

namespace jejak::bench {

uint64_t Params::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::invalid_argument("undeclared bench parameter " + name);
  return it->second;
}

ScratchDir::ScratchDir(const Context& ctx, const std::string& tag) {
  std::random_device rd;
  path_ = ctx.tmp_root / fmt::format("jejak-bench-{}-{}-{:08x}", tag, getpid(), rd());
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

double CpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

double Now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

namespace {

std::vector<RowSpec>& Registry() {
  static std::vector<RowSpec> rows;
  return rows;
}

}  // namespace

bool RegisterRow(RowSpec spec) {
  Registry().push_back(std::move(spec));
  return true;
}

const std::vector<RowSpec>& RegisteredRows() { return Registry(); }

namespace {

constexpr char kUsage[] =
    "usage: jejak_bench [options] [--PARAM=N ...]\n"
    "  --rows=A,B   run only these rows; a group name (\"ledger\") selects its rows\n"
    "  --runs=N     measure each side N times, alternating which goes first (default 3)\n"
    "  --json       print the table as JSON\n"
    "  --tmp=DIR    make scratch directories under DIR (default: the system temp dir)\n"
    "  --only=SIDE  measure only jejak or only the baseline (for profiling)\n"
    "  --list       list rows and their parameters with defaults\n"
    "  --PARAM=N    change a row's size; N may end in k or M (500k)\n";

[[noreturn]] void Usage(const std::string& problem) {
  fmt::print(stderr, "jejak_bench: {}\n{}", problem, kUsage);
  std::exit(2);
}

uint64_t ParseCount(const std::string& name, const std::string& text) {
  size_t used = 0;
  uint64_t v = 0;
  try {
    v = std::stoull(text, &used);
  } catch (const std::exception&) {
    Usage(fmt::format("--{} wants a number, not \"{}\"", name, text));
  }
  std::string suffix = text.substr(used);
  if (suffix == "k" || suffix == "K") {
    v *= 1000;
  } else if (suffix == "M" || suffix == "m") {
    v *= 1'000'000;
  } else if (!suffix.empty()) {
    Usage(fmt::format("--{} wants a number, not \"{}\"", name, text));
  }
  return v;
}

bool Selected(const std::string& row, const std::vector<std::string>& wanted) {
  if (wanted.empty()) return true;
  for (const auto& w : wanted) {
    if (row == w || row.rfind(w + ".", 0) == 0) return true;
  }
  return false;
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void List() {
  for (const RowSpec& r : RegisteredRows()) {
    fmt::print("{}: {} (goal: ratio >= {:.2f} against {}{})\n", r.name, r.description, r.min_ratio,
               r.baseline_name.empty() ? "nothing" : r.baseline_name,
               r.min_rate > 0 ? fmt::format(", and >= {} {}", HumanRate(r.min_rate), r.unit) : "");
    for (const ParamSpec& p : r.params) {
      fmt::print("    --{}={}  {}\n", p.name, p.default_value, p.help);
    }
  }
}

int Main(int argc, char** argv) {
  bool json = false;
  uint64_t runs = 3;
  std::vector<std::string> wanted;
  std::string only;
  std::map<std::string, uint64_t> overrides;
  Context ctx;
  ctx.tmp_root = std::filesystem::temp_directory_path();

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      fmt::print("{}", kUsage);
      return 0;
    }
    if (arg == "--list") {
      List();
      return 0;
    }
    if (arg == "--json") {
      json = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) Usage(fmt::format("unexpected argument \"{}\"", arg));
    std::string name = arg.substr(2), value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      Usage(fmt::format("--{} wants a value", name));
    }
    if (name == "rows") {
      wanted = SplitComma(value);
    } else if (name == "runs") {
      runs = ParseCount(name, value);
      if (runs == 0) Usage("--runs must be at least 1");
    } else if (name == "only") {
      if (value != "jejak" && value != "baseline") Usage("--only takes jejak or baseline");
      only = value;
    } else if (name == "tmp") {
      ctx.tmp_root = value;
    } else {
      overrides[name] = ParseCount(name, value);
    }
  }

  std::vector<const RowSpec*> chosen;
  for (const RowSpec& r : RegisteredRows()) {
    if (Selected(r.name, wanted)) chosen.push_back(&r);
  }
  for (const auto& w : wanted) {
    bool any = false;
    for (const RowSpec& r : RegisteredRows()) any = any || Selected(r.name, {w});
    if (!any) Usage(fmt::format("no row or group named \"{}\" (see --list)", w));
  }
  for (const RowSpec* r : chosen) {
    for (const ParamSpec& p : r->params) {
      if (!ctx.params.Has(p.name)) ctx.params.Set(p.name, p.default_value);
    }
  }
  for (const auto& [name, value] : overrides) {
    if (!ctx.params.Has(name)) {
      Usage(fmt::format("no selected row takes --{} (see --list)", name));
    }
    ctx.params.Set(name, value);
  }

  std::vector<Row> table;
  for (const RowSpec* spec : chosen) {
    Row row;
    row.name = spec->name;
    row.unit = spec->unit;
    row.sizes = spec->sizes ? spec->sizes(ctx) : "";
    row.baseline_name = spec->baseline_name;
    row.min_ratio = spec->min_ratio;
    row.min_rate = spec->min_rate;
    for (uint64_t run = 0; run < runs; ++run) {
      auto measure = [&](const char* side, const std::function<double(const Context&)>& fn,
                         std::vector<double>* samples) {
        if (!fn || (!only.empty() && only != side)) return;
        double cpu = CpuSeconds();
        double rate = fn(ctx);
        cpu = CpuSeconds() - cpu;
        samples->push_back(rate);
        // CPU seconds (all threads, setup included) are steadier than rates
        // when other work shares the machine.
        fmt::print(stderr, "{} run {}/{} {}: {} {} ({:.2f} s CPU)\n", spec->name, run + 1, runs,
                   side, HumanRate(rate), spec->unit, cpu);
      };
      if (run % 2 == 0) {
        measure("baseline", spec->baseline, &row.baseline_samples);
        measure("jejak", spec->jejak, &row.jejak_samples);
      } else {
        measure("jejak", spec->jejak, &row.jejak_samples);
        measure("baseline", spec->baseline, &row.baseline_samples);
      }
    }
    if (spec->notes) row.notes = spec->notes(ctx);
    table.push_back(std::move(row));
  }

  if (json) {
    PrintJson(table, stdout);
  } else {
    PrintText(table, stdout);
  }
  return 0;
}

}  // namespace
}  // namespace jejak::bench

int main(int argc, char** argv) {
  try {
    return jejak::bench::Main(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "jejak_bench: {}\n", e.what());
    return 1;
  }
}
