#include "base/pkcs11_token.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <p11-kit/pkcs11.h>

#include <cstring>
#include <mutex>
#include <vector>

#include "base/error.h"
#include "base/files.h"
#include "base/hex.h"

namespace jejak::base {
namespace {

constexpr std::string_view kScheme = "pkcs11:";
constexpr size_t kGcmNonceSize = 12;
constexpr size_t kGcmTagSize = 16;
constexpr CK_RV kAeadDecryptFailed = 0x35;  // CKR_AEAD_DECRYPT_FAILED (PKCS#11 3.0)

std::string Rv(std::string_view call, CK_RV rv) {
  return fmt::format("PKCS#11 {} failed (CKR 0x{:x})", call, rv);
}

// A label padded with spaces to 32 bytes, as tokens report it.
std::string TokenLabel(const CK_UTF8CHAR (&label)[32]) {
  std::string s(reinterpret_cast<const char*>(label), 32);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

CK_BYTE_PTR Bytes(std::string_view s) {
  return reinterpret_cast<CK_BYTE_PTR>(const_cast<char*>(s.data()));
}

// CKM_AES_GCM's parameters: the nonce, the associated data, a 16-byte tag.
CK_GCM_PARAMS GcmParams(std::string_view nonce, std::string_view aad) {
  CK_GCM_PARAMS params{};
  params.pIv = Bytes(nonce);
  params.ulIvLen = nonce.size();
  params.ulIvBits = nonce.size() * 8;
  params.pAAD = Bytes(aad);
  params.ulAADLen = aad.size();
  params.ulTagBits = kGcmTagSize * 8;
  return params;
}

}  // namespace

bool IsPkcs11Uri(std::string_view text) { return text.starts_with(kScheme); }

std::map<std::string, std::string> ParsePkcs11Uri(std::string_view uri,
                                                  std::initializer_list<const char*> required) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("PKCS#11 URI: {} (expected pkcs11:token=...;object=...?module-path="
                             "...&pin-source=...)",
                             why));
  };
  if (!IsPkcs11Uri(uri)) throw bad("it does not start with pkcs11:");
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
        int hi = i + 1 < v.size() ? HexDigitValue(v[i + 1]) : -1;
        int lo = i + 2 < v.size() ? HexDigitValue(v[i + 2]) : -1;
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
  for (const char* name : required) {
    if (!out.count(name)) throw bad(fmt::format("no {}", name));
  }
  return out;
}

struct Pkcs11Token::Impl {
  void* lib = nullptr;
  CK_FUNCTION_LIST_PTR f = nullptr;
  bool finalize = false;  // this object initialized the module
  bool has_session = false;
  CK_SESSION_HANDLE session = 0;
  mutable std::mutex mu;  // one operation at a time on the session

  [[noreturn]] static void Fail(std::string_view call, CK_RV rv) {
    throw Error(ErrorCode::kIoError, Rv(call, rv));
  }

  void Load(const std::string& module) {
    lib = ::dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      throw Error(ErrorCode::kNotFound,
                  // Read once, right after dlopen; tokens are opened at start, not
                  // concurrently (dlerror's state is per thread in glibc anyway).
                  fmt::format("cannot load the PKCS#11 module {}: {}", module,
                              ::dlerror()));  // NOLINT(concurrency-mt-unsafe)
    }
    auto get = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(lib, "C_GetFunctionList"));
    if (get == nullptr || get(&f) != CKR_OK) {
      f = nullptr;
      throw Error(ErrorCode::kInvalidArgument, fmt::format("{} is not a PKCS#11 module", module));
    }
    CK_C_INITIALIZE_ARGS init{};
    init.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = f->C_Initialize(&init);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) Fail("C_Initialize", rv);
    finalize = rv == CKR_OK;
  }

  void OpenSession(const std::map<std::string, std::string>& a) {
    CK_ULONG count = 0;
    CK_RV rv = f->C_GetSlotList(CK_TRUE, nullptr, &count);
    if (rv != CKR_OK) Fail("C_GetSlotList", rv);
    std::vector<CK_SLOT_ID> slots(count);
    rv = f->C_GetSlotList(CK_TRUE, slots.data(), &count);
    if (rv != CKR_OK) Fail("C_GetSlotList", rv);
    auto token = a.find("token");
    for (CK_ULONG i = 0; i < count; ++i) {
      CK_TOKEN_INFO info;
      if (f->C_GetTokenInfo(slots[i], &info) != CKR_OK) continue;
      if (token != a.end() && TokenLabel(info.label) != token->second) continue;
      rv = f->C_OpenSession(slots[i], CKF_SERIAL_SESSION, nullptr, nullptr, &session);
      if (rv != CKR_OK) Fail("C_OpenSession", rv);
      has_session = true;
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
      pin = ReadFile(s->second, "PIN file");
      while (!pin.empty() && (pin.back() == '\n' || pin.back() == '\r')) pin.pop_back();
    }
    if (pin.empty()) return;  // a token that works without login
    CK_RV rv =
        f->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(pin.data()), pin.size());
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED) {
      throw Error(ErrorCode::kPermissionDenied, "the PKCS#11 token refused the PIN");
    }
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) Fail("C_Login", rv);
  }

  // The module stays loaded: a process opens a token once or twice, and
  // what a module leaks (SoftHSM 2.6: a little per signature) stays
  // attributed to it for LeakSanitizer (tests/softhsm.supp).
  ~Impl() {
    if (f != nullptr && has_session) f->C_CloseSession(session);
    if (f != nullptr && finalize) f->C_Finalize(nullptr);
  }
};

Pkcs11Token::Pkcs11Token(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pkcs11Token::~Pkcs11Token() = default;

std::shared_ptr<Pkcs11Token> Pkcs11Token::Open(const std::map<std::string, std::string>& uri) {
  auto module = uri.find("module-path");
  if (module == uri.end()) {
    throw Error(ErrorCode::kInvalidArgument, "PKCS#11 URI: no module-path");
  }
  auto impl = std::make_unique<Impl>();
  impl->Load(module->second);
  impl->OpenSession(uri);
  return std::shared_ptr<Pkcs11Token>(new Pkcs11Token(std::move(impl)));
}

Pkcs11Token::Handle Pkcs11Token::Find(KeyClass cls, const std::string& label) const {
  CK_OBJECT_CLASS c = cls == KeyClass::kPrivate  ? CKO_PRIVATE_KEY
                      : cls == KeyClass::kPublic ? CKO_PUBLIC_KEY
                                                 : CKO_SECRET_KEY;
  CK_ATTRIBUTE query[] = {{CKA_CLASS, &c, sizeof c},
                          {CKA_LABEL, const_cast<char*>(label.data()), label.size()}};
  std::lock_guard lock(impl_->mu);
  CK_FUNCTION_LIST_PTR f = impl_->f;
  CK_RV rv = f->C_FindObjectsInit(impl_->session, query, 2);
  if (rv != CKR_OK) Impl::Fail("C_FindObjectsInit", rv);
  CK_OBJECT_HANDLE found = 0;
  CK_ULONG n = 0;
  rv = f->C_FindObjects(impl_->session, &found, 1, &n);
  f->C_FindObjectsFinal(impl_->session);
  if (rv != CKR_OK) Impl::Fail("C_FindObjects", rv);
  if (n == 0) {
    throw Error(ErrorCode::kNotFound,
                fmt::format("no PKCS#11 {} key labelled \"{}\" on the token",
                            cls == KeyClass::kPrivate  ? "private"
                            : cls == KeyClass::kPublic ? "public"
                                                       : "secret",
                            label));
  }
  return found;
}

std::string Pkcs11Token::SignEd25519(Handle key, std::string_view msg) const {
  std::lock_guard lock(impl_->mu);
  CK_FUNCTION_LIST_PTR f = impl_->f;
  CK_MECHANISM mech{CKM_EDDSA, nullptr, 0};
  CK_RV rv = f->C_SignInit(impl_->session, &mech, key);
  if (rv != CKR_OK) Impl::Fail("C_SignInit", rv);
  std::string sig(64, '\0');
  CK_ULONG len = sig.size();
  rv = f->C_Sign(impl_->session, Bytes(msg), msg.size(), Bytes(sig), &len);
  if (rv != CKR_OK) Impl::Fail("C_Sign", rv);
  if (len != 64) throw Error(ErrorCode::kIoError, "PKCS#11 C_Sign gave no 64-byte signature");
  return sig;
}

std::array<uint8_t, 32> Pkcs11Token::Ed25519PublicKey(Handle key) const {
  // CKA_EC_POINT: a DER OCTET STRING (04 20 ...) or, in some tokens, the 32
  // bytes themselves.
  std::vector<uint8_t> point(64);
  CK_ATTRIBUTE attr{CKA_EC_POINT, point.data(), point.size()};
  {
    std::lock_guard lock(impl_->mu);
    CK_RV rv = impl_->f->C_GetAttributeValue(impl_->session, key, &attr, 1);
    if (rv != CKR_OK) Impl::Fail("C_GetAttributeValue(CKA_EC_POINT)", rv);
  }
  point.resize(attr.ulValueLen);
  std::array<uint8_t, 32> out{};
  if (point.size() == 34 && point[0] == 0x04 && point[1] == 0x20) {
    std::memcpy(out.data(), point.data() + 2, 32);
  } else if (point.size() == 32) {
    std::memcpy(out.data(), point.data(), 32);
  } else {
    throw Error(ErrorCode::kInvalidArgument, "the PKCS#11 key is not an Ed25519 key");
  }
  return out;
}

std::string Pkcs11Token::EncryptAesGcm(Handle key, std::string_view nonce, std::string_view aad,
                                       std::string_view plaintext) const {
  if (nonce.size() != kGcmNonceSize) {
    throw Error(ErrorCode::kInvalidArgument, "an AES-GCM nonce is 12 bytes");
  }
  CK_GCM_PARAMS params = GcmParams(nonce, aad);
  CK_MECHANISM mech{CKM_AES_GCM, &params, sizeof params};
  std::string out(plaintext.size() + kGcmTagSize, '\0');
  CK_ULONG len = out.size();
  std::lock_guard lock(impl_->mu);
  CK_FUNCTION_LIST_PTR f = impl_->f;
  CK_RV rv = f->C_EncryptInit(impl_->session, &mech, key);
  if (rv != CKR_OK) Impl::Fail("C_EncryptInit(CKM_AES_GCM)", rv);
  rv = f->C_Encrypt(impl_->session, Bytes(plaintext), plaintext.size(), Bytes(out), &len);
  if (rv != CKR_OK) Impl::Fail("C_Encrypt(CKM_AES_GCM)", rv);
  out.resize(len);
  return out;
}

std::optional<std::string> Pkcs11Token::DecryptAesGcm(Handle key, std::string_view nonce,
                                                      std::string_view aad,
                                                      std::string_view sealed) const {
  if (nonce.size() != kGcmNonceSize || sealed.size() < kGcmTagSize) return std::nullopt;
  CK_GCM_PARAMS params = GcmParams(nonce, aad);
  CK_MECHANISM mech{CKM_AES_GCM, &params, sizeof params};
  std::string out(sealed.size(), '\0');
  CK_ULONG len = out.size();
  std::lock_guard lock(impl_->mu);
  CK_FUNCTION_LIST_PTR f = impl_->f;
  CK_RV rv = f->C_DecryptInit(impl_->session, &mech, key);
  if (rv != CKR_OK) Impl::Fail("C_DecryptInit(CKM_AES_GCM)", rv);
  rv = f->C_Decrypt(impl_->session, Bytes(sealed), sealed.size(), Bytes(out), &len);
  // A tag that does not verify: PKCS#11 3.0 says CKR_AEAD_DECRYPT_FAILED,
  // 2.40 tokens say ENCRYPTED_DATA_INVALID, and SoftHSM 2.6 GENERAL_ERROR.
  if (rv == CKR_ENCRYPTED_DATA_INVALID || rv == CKR_ENCRYPTED_DATA_LEN_RANGE ||
      rv == kAeadDecryptFailed || rv == CKR_GENERAL_ERROR) {
    return std::nullopt;
  }
  if (rv != CKR_OK) Impl::Fail("C_Decrypt(CKM_AES_GCM)", rv);
  out.resize(len);
  return out;
}

}  // namespace jejak::base
