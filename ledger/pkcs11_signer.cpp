#include "ledger/pkcs11_signer.h"

#include <fmt/format.h>

#include "base/error.h"
#include "base/pkcs11_token.h"

namespace jejak::ledger {
namespace {

using base::Error;
using base::ErrorCode;
using base::Pkcs11Token;

class TokenSigner final : public ExternalSigner {
 public:
  TokenSigner(std::shared_ptr<Pkcs11Token> token, Pkcs11Token::Handle key)
      : token_(std::move(token)), key_(key) {}
  std::string Sign(std::string_view msg) const override { return token_->SignEd25519(key_, msg); }

 private:
  std::shared_ptr<Pkcs11Token> token_;
  Pkcs11Token::Handle key_;
};

}  // namespace

bool IsPkcs11Uri(std::string_view text) { return base::IsPkcs11Uri(text); }

SigningKey LoadPkcs11Key(std::string_view uri) {
  std::map<std::string, std::string> a =
      base::ParsePkcs11Uri(uri, {"module-path", "object", "x-name"});
  CheckKeyName(a.at("x-name"));
  std::shared_ptr<Pkcs11Token> token = Pkcs11Token::Open(a);
  const std::string& label = a.at("object");
  SigningKey k;
  k.verifier.name = a.at("x-name");
  k.verifier.type = kNoteSigner;
  k.verifier.public_key = token->Ed25519PublicKey(token->Find(Pkcs11Token::KeyClass::kPublic, label));
  k.verifier.id = KeyId(k.verifier.name, kNoteSigner, k.verifier.public_key);
  k.external =
      std::make_shared<TokenSigner>(token, token->Find(Pkcs11Token::KeyClass::kPrivate, label));
  // A key of another kind would sign nothing a verifier accepts: find out now.
  std::string text = "jejak: PKCS#11 key check\n", problem;
  if (!OpenNote(SignNote(text, k), k.verifier, &text, &problem)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("the PKCS#11 key \"{}\" does not sign as Ed25519: {}", label, problem));
  }
  return k;
}

}  // namespace jejak::ledger
