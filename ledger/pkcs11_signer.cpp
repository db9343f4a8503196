#include "ledger/pkcs11_signer.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <p11-kit/pkcs11.h>

#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include "base/error.h"
#include "base/files.h"
#include "base/hex.h"

namespace jejak::ledger {
namespace {

using base::Error;
using base::ErrorCode;

constexpr std::string_view kScheme = "pkcs11:";

// RFC 7512 attributes, percent-decoded: path ones (token, object) and query
// ones (module-path, pin-source, pin-value, x-name) in one map.
std::map<std::string, std::string> ParseUri(std::string_view uri) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("PKCS#11 URI: {} (expected pkcs11:token=...;object=...?module-path="
                             "...&pin-source=...&x-name=...)",
                             why));
  };
  std::map<std::string, std::string> out;
  std::string_view rest = uri.substr(kScheme.size());
  auto add = [&](std::string_view attrs, char sep) {
    while (!attrs.empty()) {
      size_t end = attrs.find(sep);
      std::string_view attr = attrs.substr(0, end);
      attrs.remove_prefix(end == std::string_view::npos ? attrs.size() : end + 1);
      if (attr.empty()) continue;
      size_t eq = attr.find('=');
      if (eq == std::string_view::npos) throw bad(fmt::format("\"{}\" has no value", attr));
      std::string value;
      std::string_view v = attr.substr(eq + 1);
      for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] != '%') {
          value += v[i];
          continue;
        }
        int hi = i + 1 < v.size() ? base::HexDigitValue(v[i + 1]) : -1;
        int lo = i + 2 < v.size() ? base::HexDigitValue(v[i + 2]) : -1;
        if (hi < 0 || lo < 0) throw bad("a bad percent escape");
        value += static_cast<char>(hi * 16 + lo);
        i += 2;
      }
      out[std::string(attr.substr(0, eq))] = value;
    }
  };
  size_t q = rest.find('?');
  add(rest.substr(0, q), ';');
  if (q != std::string_view::npos) add(rest.substr(q + 1), '&');
  for (const char* required : {"module-path", "object", "x-name"}) {
    if (!out.count(required)) throw bad(fmt::format("no {}", required));
  }
  return out;
}

std::string Rv(const char* call, CK_RV rv) {
  return fmt::format("{} failed (CKR 0x{:x})", call, rv);
}

// A label padded with spaces to 32 bytes, as tokens report it.
std::string TokenLabel(const CK_UTF8CHAR (&label)[32]) {
  std::string s(reinterpret_cast<const char*>(label), 32);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

class Pkcs11Token final : public ExternalSigner {
 public:
  explicit Pkcs11Token(const std::map<std::string, std::string>& a) {
    const std::string& module = a.at("module-path");
    lib_ = ::dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib_ == nullptr) {
      throw Error(ErrorCode::kNotFound,
                  // Read once, right after dlopen; keys are loaded at start, not
                  // concurrently (dlerror's state is per thread in glibc anyway).
                  fmt::format("cannot load the PKCS#11 module {}: {}", module,
                              ::dlerror()));  // NOLINT(concurrency-mt-unsafe)
    }
    auto get = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(lib_, "C_GetFunctionList"));
    if (get == nullptr || get(&f_) != CKR_OK) {
      Close();
      throw Error(ErrorCode::kInvalidArgument, fmt::format("{} is not a PKCS#11 module", module));
    }
    CK_C_INITIALIZE_ARGS init{};
    init.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = f_->C_Initialize(&init);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) Fail("C_Initialize", rv);
    finalize_ = rv == CKR_OK;
    OpenSession(a);
    key_ = Find(CKO_PRIVATE_KEY, a.at("object"));
  }

  ~Pkcs11Token() override { Close(); }

  std::string Sign(std::string_view msg) const override {
    std::lock_guard lock(mu_);
    CK_MECHANISM mech{CKM_EDDSA, nullptr, 0};
    CK_RV rv = f_->C_SignInit(session_, &mech, key_);
    if (rv != CKR_OK) throw Error(ErrorCode::kIoError, Rv("PKCS#11 C_SignInit", rv));
    std::string sig(64, '\0');
    CK_ULONG len = sig.size();
    rv = f_->C_Sign(session_, reinterpret_cast<CK_BYTE_PTR>(const_cast<char*>(msg.data())),
                    msg.size(), reinterpret_cast<CK_BYTE_PTR>(sig.data()), &len);
    if (rv != CKR_OK || len != 64) {
      throw Error(ErrorCode::kIoError, rv != CKR_OK
                                           ? Rv("PKCS#11 C_Sign", rv)
                                           : "PKCS#11 C_Sign gave no 64-byte Ed25519 signature");
    }
    return sig;
  }

  // The public key of the pair: CKA_EC_POINT of the public key object, a DER
  // OCTET STRING (04 20 ...) or, in some tokens, the 32 bytes themselves.
  std::array<uint8_t, 32> PublicKey(const std::string& label) const {
    CK_OBJECT_HANDLE pub = Find(CKO_PUBLIC_KEY, label);
    std::vector<uint8_t> point(64);
    CK_ATTRIBUTE attr{CKA_EC_POINT, point.data(), point.size()};
    CK_RV rv = f_->C_GetAttributeValue(session_, pub, &attr, 1);
    if (rv != CKR_OK) Fail("C_GetAttributeValue(CKA_EC_POINT)", rv);
    point.resize(attr.ulValueLen);
    std::array<uint8_t, 32> out{};
    if (point.size() == 34 && point[0] == 0x04 && point[1] == 0x20) {
      std::memcpy(out.data(), point.data() + 2, 32);
    } else if (point.size() == 32) {
      std::memcpy(out.data(), point.data(), 32);
    } else {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("the PKCS#11 key \"{}\" is not an Ed25519 key", label));
    }
    return out;
  }

 private:
  [[noreturn]] void Fail(const char* call, CK_RV rv) const {
    throw Error(ErrorCode::kIoError, Rv(fmt::format("PKCS#11 {}", call).c_str(), rv));
  }

  void OpenSession(const std::map<std::string, std::string>& a) {
    CK_ULONG count = 0;
    CK_RV rv = f_->C_GetSlotList(CK_TRUE, nullptr, &count);
    if (rv != CKR_OK) Fail("C_GetSlotList", rv);
    std::vector<CK_SLOT_ID> slots(count);
    rv = f_->C_GetSlotList(CK_TRUE, slots.data(), &count);
    if (rv != CKR_OK) Fail("C_GetSlotList", rv);
    auto token = a.find("token");
    for (CK_ULONG i = 0; i < count; ++i) {
      CK_TOKEN_INFO info;
      if (f_->C_GetTokenInfo(slots[i], &info) != CKR_OK) continue;
      if (token != a.end() && TokenLabel(info.label) != token->second) continue;
      rv = f_->C_OpenSession(slots[i], CKF_SERIAL_SESSION, nullptr, nullptr, &session_);
      if (rv != CKR_OK) Fail("C_OpenSession", rv);
      has_session_ = true;
      Login(a);
      return;
    }
    throw Error(ErrorCode::kNotFound,
                fmt::format("no PKCS#11 token{} in {}",
                            token == a.end() ? "" : " labelled \"" + token->second + "\"",
                            a.at("module-path")));
  }

  void Login(const std::map<std::string, std::string>& a) {
    std::string pin;
    if (auto v = a.find("pin-value"); v != a.end()) pin = v->second;
    if (auto s = a.find("pin-source"); s != a.end()) {
      pin = base::ReadFile(s->second, "PIN file");
      while (!pin.empty() && (pin.back() == '\n' || pin.back() == '\r')) pin.pop_back();
    }
    if (pin.empty()) return;  // a token that signs without login
    CK_RV rv =
        f_->C_Login(session_, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(pin.data()), pin.size());
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED) {
      throw Error(ErrorCode::kPermissionDenied, "the PKCS#11 token refused the PIN");
    }
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) Fail("C_Login", rv);
  }

  CK_OBJECT_HANDLE Find(CK_OBJECT_CLASS cls, const std::string& label) const {
    CK_ATTRIBUTE query[] = {{CKA_CLASS, &cls, sizeof cls},
                            {CKA_LABEL, const_cast<char*>(label.data()), label.size()}};
    CK_RV rv = f_->C_FindObjectsInit(session_, query, 2);
    if (rv != CKR_OK) Fail("C_FindObjectsInit", rv);
    CK_OBJECT_HANDLE found = 0;
    CK_ULONG n = 0;
    rv = f_->C_FindObjects(session_, &found, 1, &n);
    f_->C_FindObjectsFinal(session_);
    if (rv != CKR_OK) Fail("C_FindObjects", rv);
    if (n == 0) {
      throw Error(ErrorCode::kNotFound,
                  fmt::format("no PKCS#11 {} key labelled \"{}\" on the token",
                              cls == CKO_PRIVATE_KEY ? "private" : "public", label));
    }
    return found;
  }

  // The module stays loaded: a process opens a token once or twice, and
  // what a module leaks (SoftHSM 2.6: a little per signature) stays
  // attributed to it for LeakSanitizer (tests/softhsm.supp).
  void Close() {
    if (f_ != nullptr && has_session_) f_->C_CloseSession(session_);
    if (f_ != nullptr && finalize_) f_->C_Finalize(nullptr);
    f_ = nullptr;
  }

  void* lib_ = nullptr;
  CK_FUNCTION_LIST_PTR f_ = nullptr;
  bool finalize_ = false;  // this object initialized the module
  bool has_session_ = false;
  CK_SESSION_HANDLE session_ = 0;
  CK_OBJECT_HANDLE key_ = 0;
  mutable std::mutex mu_;  // one operation at a time on the session
};

}  // namespace

bool IsPkcs11Uri(std::string_view text) { return text.starts_with(kScheme); }

SigningKey LoadPkcs11Key(std::string_view uri) {
  std::map<std::string, std::string> a = ParseUri(uri);
  CheckKeyName(a.at("x-name"));
  auto token = std::make_shared<Pkcs11Token>(a);
  SigningKey k;
  k.verifier.name = a.at("x-name");
  k.verifier.type = kNoteSigner;
  k.verifier.public_key = token->PublicKey(a.at("object"));
  k.verifier.id = KeyId(k.verifier.name, kNoteSigner, k.verifier.public_key);
  k.external = token;
  // A key of another kind would sign nothing a verifier accepts: find out now.
  std::string text = "jejak: PKCS#11 key check\n", problem;
  if (!OpenNote(SignNote(text, k), k.verifier, &text, &problem)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("the PKCS#11 key \"{}\" does not sign as Ed25519: {}", a.at("object"),
                            problem));
  }
  return k;
}

}  // namespace jejak::ledger
