#include "cli/proof_files.h"

#include <fmt/format.h>

#include <filesystem>

#include "base/error.h"
#include "base/files.h"
#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/pkcs11_signer.h"
#include "ledger/receipt.h"

namespace jejak::cli {

using base::Error;
using base::ErrorCode;

nlohmann::json ReadJsonFile(const std::string& path) {
  std::string text = base::ReadFile(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("{} is not JSON: {}", path, e.what()));
  }
}

namespace {

void WarnIfInData(const Context& ctx, const std::string& key) {
  if (ctx.data_dir.empty() || ledger::IsPkcs11Uri(key)) return;
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string k = fs::weakly_canonical(key, ec).string();
  std::string d = fs::weakly_canonical(ctx.data_dir, ec).string();
  if (ec || !k.starts_with(d + "/")) return;
  fmt::print(stderr,
             "jejak: warning: the signing key {} lies inside the data directory {}: whoever can "
             "rewrite the ledger there can re-sign it too. Keep the key on another host or on a "
             "token (--key pkcs11:...), and have witnesses cosign (--witness).\n",
             key, ctx.data_dir);
}

}  // namespace

std::optional<std::string> SigningKeyPath(const Context& ctx, const std::string& key_flag) {
  std::optional<std::string> path;
  if (!key_flag.empty()) {
    path = key_flag;
  } else if (!ctx.data_dir.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(ctx.data_dir + "/keys/jejak.key", ec)) {
      path = ctx.data_dir + "/keys/jejak.key";
    }
  }
  if (path) WarnIfInData(ctx, *path);
  return path;
}

void AddReceiptOptions(CLI::App* cmd, ReceiptOptions& o) {
  cmd->add_option("--receipt", o.file,
                  "Write a receipt (the event, a signed checkpoint and the inclusion proof) to "
                  "FILE; needs a signing key");
  cmd->add_option("--key", o.key,
                  "Signing key for the receipt's checkpoint (default: DATA/keys/jejak.key if it "
                  "exists); with --json the receipt is printed too");
}

std::optional<nlohmann::json> IssueReceipt(const Context& ctx, const ReceiptOptions& o,
                                           uint64_t seq) {
  std::optional<std::string> key_path = SigningKeyPath(ctx, o.key);
  if (!key_path) {
    if (!o.file.empty()) {
      throw Error(ErrorCode::kInvalidArgument,
                  "--receipt needs a signing key: --key FILE, or DATA/keys/jejak.key (make one "
                  "with 'jejak keys generate --out DATA/keys')");
    }
    return std::nullopt;
  }
  ledger::SigningKey key = ledger::LoadSigningKey(*key_path);
  auto ledger = ledger::Ledger::Open(ctx.LedgerDir());
  std::string checkpoint =
      ledger::AnnounceAndCheckpoint(*ledger, key, events::Actor{"system", "system", ""});
  nlohmann::json receipt = ledger::MakeReceipt(*ledger, seq, checkpoint);
  if (!o.file.empty()) base::WriteFileAtomically(o.file, receipt.dump(2) + "\n", kOutputFileMode);
  return receipt;
}

}  // namespace jejak::cli
