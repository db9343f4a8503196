// A one-line progress bar on stderr, drawn only when stderr is a terminal,
// so scripts and logs see clean output.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace jejak::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();  // ends the line if anything was drawn

  void Update(uint64_t done, uint64_t total);

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace jejak::cli
