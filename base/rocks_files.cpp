#include "base/rocks_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <system_error>
#include <utility>

#include "base/error.h"

namespace jejak::base {

namespace fs = std::filesystem;

uint64_t RocksFileNumber(std::string_view name, std::string_view suffix) {
  if (name.size() <= suffix.size() || !name.ends_with(suffix)) return 0;
  name.remove_suffix(suffix.size());
  uint64_t n = 0;
  for (char c : name) {
    if (c < '0' || c > '9' || n > (UINT64_MAX - 9) / 10) return 0;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

std::vector<std::string> RocksFiles(const std::string& dir, std::string_view suffix) {
  std::vector<std::pair<uint64_t, std::string>> found;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory) return {};
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    uint64_t n = RocksFileNumber(it->path().filename().string(), suffix);
    std::error_code type_ec;
    if (n != 0 && it->is_regular_file(type_ec)) found.emplace_back(n, it->path().string());
  }
  if (ec) throw Error(ErrorCode::kIoError, fmt::format("cannot list {}: {}", dir, ec.message()));
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  out.reserve(found.size());
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

}  // namespace jejak::base
