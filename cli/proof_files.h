// Files and keys shared by the proof commands (proof_commands.cpp) and the
// receipts of submit, act and withdraw (engine_commands.cpp).
#pragma once

#include <sys/types.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "cli/command.h"

namespace jejak::cli {

// The mode of the files the commands write for users (receipts,
// checkpoints, proofs, exports), less the umask, as any program's output;
// keys get 0600 instead.
constexpr mode_t kOutputFileMode = 0666;

// base::ReadFile, then parse; Error(kInvalidArgument) if it is not JSON.
nlohmann::json ReadJsonFile(const std::string& path);

// The signing key: --key if given (a file or a pkcs11: URI), else
// DATA/keys/jejak.key if it exists. A key file inside the data directory
// draws a warning on stderr that says why it should live elsewhere.
std::optional<std::string> SigningKeyPath(const Context& ctx, const std::string& key_flag);

struct ReceiptOptions {
  std::string file;  // --receipt
  std::string key;   // --key
};
void AddReceiptOptions(CLI::App* cmd, ReceiptOptions& o);
// Call after the engine is closed. With a signing key configured, makes a
// checkpoint (announcing the key first if needed) and returns the receipt of
// entry seq, also written to --receipt FILE if given. Without a key: nullopt,
// or Error(kInvalidArgument) if --receipt was given.
std::optional<nlohmann::json> IssueReceipt(const Context& ctx, const ReceiptOptions& o,
                                           uint64_t seq);

}  // namespace jejak::cli
