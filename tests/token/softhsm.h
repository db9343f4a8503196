// A SoftHSM 2 token (Debian's softhsm2) in a scratch directory, with keys
// made by pkcs11-tool (opensc), both installed by scripts/setup.sh; without
// them the tests fail. SOFTHSM2_CONF points this process, and the jejak
// processes it starts, at the token.
#pragma once

#include <string>

#include "tests/testutil.h"

namespace jejak::testing {

// A token "jejak", user PIN 1234, holding the Ed25519 key pair "ledger" and
// the AES-256 secret key "kek".
struct SoftHsmToken {
  SoftHsmToken();

  // The PKCS#11 URI of object on the token with that PIN; x-name names a
  // signing key (the checkpoints' origin).
  std::string Uri(const std::string& pin = "1234", const std::string& object = "ledger") const;
  // The same for the KEK, without x-name.
  std::string KekUri(const std::string& pin = "1234", const std::string& object = "kek") const;
  // Imports key (32 bytes) as another AES-256 secret key, labelled label.
  void ImportAesKey(const std::string& label, const std::string& key) const;

  TempDir dir;
  std::string module;
};

}  // namespace jejak::testing
