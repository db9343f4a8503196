#include "base/secret_file.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "base/error.h"
#include "tests/testutil.h"

namespace jejak::base {
namespace {

using base::Error;
using base::ErrorCode;

TEST_CASE("secret file: created once, private, whole, then read back") {
  testing::TempDir dir;
  std::string path = dir.Sub("tracking.key");
  try {
    LoadOrCreateSecret(path, 32, false, "tracking-code key");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
  }
  std::string key = LoadOrCreateSecret(path, 32, true, "tracking-code key");
  CHECK(key.size() == 32);
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(st.st_size == 32);
  CHECK(LoadOrCreateSecret(path, 32, true, "tracking-code key") == key);
  CHECK(LoadOrCreateSecret(path, 32, false, "tracking-code key") == key);
  int files = 0;
  for ([[maybe_unused]] const auto& f : std::filesystem::directory_iterator(dir.path())) ++files;
  CHECK(files == 1);  // no temporary file left
  std::ofstream(path, std::ios::trunc) << "short";
  try {
    LoadOrCreateSecret(path, 32, true, "tracking-code key");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kCorruption);
  }
  // A directory where the secret belongs: the system's reason, not "missing".
  std::string odd = dir.Sub("token.key");
  std::filesystem::create_directory(odd);
  try {
    LoadOrCreateSecret(odd, 32, true, "token secret");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kIoError);
    CHECK(std::string(e.what()).find("Is a directory") != std::string::npos);
  }
}

}  // namespace
}  // namespace jejak::base
