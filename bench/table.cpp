#include "bench/table.h"

#include <fmt/format.h>

#include <algorithm>

namespace jejak::bench {
namespace {

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string JsonNumbers(const std::vector<double>& v) {
  return fmt::format("[{:.1f}]", fmt::join(v, ", "));
}

}  // namespace

double Row::jejak() const { return Median(jejak_samples); }

std::optional<double> Row::baseline() const {
  if (baseline_samples.empty()) return std::nullopt;
  return Median(baseline_samples);
}

std::optional<double> Row::ratio() const {
  auto b = baseline();
  if (!b || *b <= 0) return std::nullopt;
  return jejak() / *b;
}

bool Row::met() const {
  if (min_rate > 0 && jejak() < min_rate) return false;
  if (min_ratio <= 0) return min_rate > 0;
  auto r = ratio();
  return r && *r >= min_ratio;
}

namespace {

std::string Goal(const Row& r) {
  std::string ratio = r.min_ratio > 0 ? fmt::format(">= {:.2f}", r.min_ratio) : "";
  if (r.min_rate <= 0) return ratio;
  std::string rate = fmt::format(">= {} {}", HumanRate(r.min_rate), r.unit);
  return ratio.empty() ? rate : ratio + ", " + rate;
}

}  // namespace

std::string HumanRate(double v) {
  if (v >= 1e6) return fmt::format("{:.2f}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.0f}k", v / 1e3);
  return fmt::format("{:.0f}", v);
}

void PrintText(const std::vector<Row>& rows, std::FILE* out) {
  std::vector<std::vector<std::string>> cells = {
      {"name", "jejak", "baseline", "ratio", "goal", "met?"}};
  for (const Row& r : rows) {
    auto b = r.baseline();
    auto ratio = r.ratio();
    cells.push_back({r.name, fmt::format("{} {}", HumanRate(r.jejak()), r.unit),
                     b ? fmt::format("{} {}", HumanRate(*b), r.unit) : "-",
                     ratio ? fmt::format("{:.2f}", *ratio) : "-", Goal(r),
                     Goal(r).empty() ? "-"
                     : r.met()       ? "yes"
                                     : "NO"});
  }
  std::vector<size_t> width(cells[0].size(), 0);
  for (const auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  auto print_line = [&](const std::vector<std::string>& line) {
    std::string s;
    for (size_t i = 0; i < line.size(); ++i) {
      if (i > 0) s += " | ";
      // Names left-aligned, figures right-aligned so digits line up.
      s += i == 0 ? fmt::format("{:<{}}", line[i], width[i])
                  : fmt::format("{:>{}}", line[i], width[i]);
    }
    fmt::print(out, "{}\n", s);
  };
  print_line(cells[0]);
  std::string rule;
  for (size_t i = 0; i < width.size(); ++i)
    rule += (i > 0 ? "-|-" : "") + std::string(width[i], '-');
  fmt::print(out, "{}\n", rule);
  for (size_t i = 1; i < cells.size(); ++i) print_line(cells[i]);
  fmt::print(out, "\n");
  // The spread shows when the machine was too busy for the medians to mean
  // much (a synced baseline suffers from other I/O more than jejak does).
  auto spread = [](const std::vector<double>& v) {
    if (v.empty()) return std::string("-");
    auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return fmt::format("{}..{}", HumanRate(*lo), HumanRate(*hi));
  };
  for (const Row& r : rows) {
    fmt::print(out, "{}: {}; baseline: {}; {} run(s), jejak {}, baseline {}\n", r.name, r.sizes,
               r.baseline_name.empty() ? "none" : r.baseline_name, r.jejak_samples.size(),
               spread(r.jejak_samples), spread(r.baseline_samples));
    if (!r.notes.empty()) fmt::print(out, "  {}\n", r.notes);
  }
}

void PrintJson(const std::vector<Row>& rows, std::FILE* out) {
  fmt::print(out, "{{\"rows\": [");
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    auto b = r.baseline();
    auto ratio = r.ratio();
    fmt::print(out,
               "{}\n  {{\"name\": {}, \"unit\": {}, \"sizes\": {}, \"baseline_name\": {}, "
               "\"jejak\": {:.1f}, \"baseline\": {}, \"ratio\": {}, \"goal_min_ratio\": {}, "
               "\"goal_min_rate\": {}, \"met\": {}, \"notes\": {}, \"jejak_samples\": {}, "
               "\"baseline_samples\": {}}}",
               i == 0 ? "" : ",", JsonString(r.name), JsonString(r.unit), JsonString(r.sizes),
               JsonString(r.baseline_name), r.jejak(), b ? fmt::format("{:.1f}", *b) : "null",
               ratio ? fmt::format("{:.4f}", *ratio) : "null", r.min_ratio, r.min_rate,
               r.met() ? "true" : "false", JsonString(r.notes), JsonNumbers(r.jejak_samples),
               JsonNumbers(r.baseline_samples));
  }
  fmt::print(out, "\n]}}\n");
}

}  // namespace jejak::bench
