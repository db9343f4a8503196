#include "tests/token/softhsm.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace jejak::testing {
namespace {

std::string SoftHsmModule() {
  for (const char* p :
       {"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so", "/usr/lib/softhsm/libsofthsm2.so"}) {
    if (std::filesystem::exists(p)) return p;
  }
  FAIL("SoftHSM 2 is not installed (scripts/setup.sh installs softhsm2)");
  return "";
}

}  // namespace

SoftHsmToken::SoftHsmToken() : module(SoftHsmModule()) {
  std::filesystem::create_directories(dir.Sub("tokens"));
  std::ofstream(dir.Sub("softhsm2.conf")) << "directories.tokendir = " << dir.Sub("tokens") << "\n";
  ::setenv("SOFTHSM2_CONF", dir.Sub("softhsm2.conf").c_str(), 1);
  RunResult init = Run({"softhsm2-util", "--init-token", "--free", "--label", "jejak", "--pin",
                        "1234", "--so-pin", "5678"});
  REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  RunResult pair = Run({"pkcs11-tool", "--module", module, "--login", "--pin", "1234",
                        "--keypairgen", "--key-type", "EC:edwards25519", "--label", "ledger",
                        "--id", "01"});
  REQUIRE_MESSAGE(pair.exit_code == 0, pair.err);
  RunResult aes = Run({"pkcs11-tool", "--module", module, "--login", "--pin", "1234", "--keygen",
                       "--key-type", "AES:32", "--label", "kek", "--id", "02"});
  REQUIRE_MESSAGE(aes.exit_code == 0, aes.err);
}

std::string SoftHsmToken::Uri(const std::string& pin, const std::string& object) const {
  return KekUri(pin, object) + "&x-name=jejak.test%2Fhsm";
}

std::string SoftHsmToken::KekUri(const std::string& pin, const std::string& object) const {
  return "pkcs11:token=jejak;object=" + object + "?module-path=" + module + "&pin-value=" + pin;
}

void SoftHsmToken::ImportAesKey(const std::string& label, const std::string& key) const {
  std::string file = dir.Sub(label + ".bin");
  std::ofstream(file, std::ios::binary) << key;
  RunResult w = Run({"pkcs11-tool", "--module", module, "--login", "--pin", "1234",
                     "--write-object", file, "--type", "secrkey", "--key-type", "AES:32",
                     "--label", label, "--id", "03"});
  REQUIRE_MESSAGE(w.exit_code == 0, w.err);
  std::filesystem::remove(file);
}

}  // namespace jejak::testing
