// Signing with an Ed25519 key that never leaves a PKCS#11 token (an HSM, a
// smart card, SoftHSM for tests), so that the checkpoint key need not sit on
// the host that holds the ledger. The module is loaded with dlopen and used
// through the PKCS#11 C API (CKM_EDDSA); p11-kit provides the header only.
//
// The key is named by a PKCS#11 URI (RFC 7512):
//   pkcs11:token=<label>;object=<label>?module-path=<.so>&pin-source=<file>&x-name=<key name>
// with pin-value=<pin> accepted in place of pin-source (tests), and
// x-name giving the signed-note key name (the checkpoints' origin), which a
// token does not store. The public key is read from the token's public key
// object of the same label.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ledger/note.h"

namespace jejak::ledger {

// Whether text names a key by a PKCS#11 URI.
bool IsPkcs11Uri(std::string_view text);

// Opens the token and finds the key pair. Throws Error(kInvalidArgument) for
// a malformed URI, Error(kNotFound) if the module, token or key is missing,
// Error(kPermissionDenied) if the PIN is refused, Error(kIoError) if the
// token fails. The result signs through the token (SigningKey::external).
SigningKey LoadPkcs11Key(std::string_view uri);

}  // namespace jejak::ledger
