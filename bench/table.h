// The benchmark table: each row sets a jejak figure beside a baseline measured
// in the same run, their ratio, and whether the ratio meets the row's goal.
// Figures are rates (higher is better); each is the median of the runs.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace jejak::bench {

struct Row {
  std::string name;                   // "ledger.append"
  std::string unit;                   // of both figures, e.g. "appends/s"
  std::string sizes;                  // what was measured, e.g. "500000 x 256 B, batches of 1000"
  std::string baseline_name;          // e.g. "RocksDB synced WriteBatch"
  std::vector<double> jejak_samples;  // one per run
  std::vector<double> baseline_samples;  // empty when the row has no baseline
  double min_ratio = 0;                  // goal: jejak / baseline >= min_ratio
  double min_rate = 0;                   // and, if nonzero, jejak >= min_rate
  std::string notes;                     // e.g. latency percentiles

  double jejak() const;
  std::optional<double> baseline() const;
  std::optional<double> ratio() const;
  // Both goals; a ratio goal is unmet when there is no baseline to compare with.
  bool met() const;
};

// name | jejak | baseline | ratio | goal | met?, then a line per row on sizes.
void PrintText(const std::vector<Row>& rows, std::FILE* out);
// One JSON object: {"rows": [{...}, ...]} with medians and all samples.
void PrintJson(const std::vector<Row>& rows, std::FILE* out);

// "1.23M", "456k", "789": figures as a reader wants to compare them.
std::string HumanRate(double v);

}  // namespace jejak::bench
