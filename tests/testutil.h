// Helpers shared by jejak's tests: scratch directories and sample events.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "events/event.h"

namespace jejak::testing {

// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("jejak-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A realistic event with fixed id and time, different for each n.
inline events::Event SampleEvent(uint64_t n, std::string request_id = "") {
  events::Event e;
  for (size_t i = 0; i < 16; ++i) e.id.bytes[i] = static_cast<uint8_t>(n >> (8 * (i % 8)) ^ i);
  e.request_id = request_id.empty() ? "REQ-" + std::to_string(n % 97) : std::move(request_id);
  e.workflow = "oss-izin-usaha";
  e.workflow_version = 1;
  e.type = "action";
  e.actor = {"officer-" + std::to_string(n % 5), "verifikator", "DPMPTSP Kota Bandung"};
  e.time_us = 1'795'000'000'000'000 + static_cast<int64_t>(n) * 1'000'000;
  e.fields.emplace("action", events::FieldValue::String("verify_documents"));
  e.fields.emplace("note", events::FieldValue::String("berkas lengkap #" + std::to_string(n)));
  return e;
}

}  // namespace jejak::testing
