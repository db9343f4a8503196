#include "witness/cosigner.h"

#include <fmt/format.h>

#include <charconv>

#include "base/error.h"
#include "ledger/checkpoint.h"
#include "witness/add_checkpoint.h"

namespace jejak::witness {
namespace {

using base::Error;
using base::ErrorCode;

// The first line of a body, for a one-line report.
std::string FirstLine(const std::string& body) {
  std::string line = body.substr(0, body.find('\n'));
  return line.size() > 200 ? line.substr(0, 200) + "..." : line;
}

}  // namespace

WitnessConfig ParseWitnessOption(const std::string& text) {
  size_t eq = text.find('='), at = text.rfind('@');
  if (eq == std::string::npos || at == std::string::npos || at < eq || eq == 0) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("--witness \"{}\": expected NAME=VERIFIER_KEY@URL", text));
  }
  WitnessConfig w;
  w.name = text.substr(0, eq);
  w.key = ledger::LoadVerifierKey(text.substr(eq + 1, at - eq - 1));
  if (w.key.type != ledger::kCosigner) {
    throw Error(
        ErrorCode::kInvalidArgument,
        fmt::format("--witness {}: {} is not a witness's cosigning key", w.name, w.key.name));
  }
  w.url = ParseWitnessUrl(text.substr(at + 1));
  return w;
}

Cosigner::Cosigner(std::vector<WitnessConfig> witnesses, ProofFn proof,
                   std::chrono::milliseconds timeout)
    : witnesses_(std::move(witnesses)), proof_(std::move(proof)), timeout_(timeout) {}

CosignResult Cosigner::Cosign(const std::string& note) {
  std::lock_guard lock(mu_);
  CosignResult result;
  result.note = note;
  uint64_t size = ledger::ParseCheckpoint(note).size;
  for (const auto& w : witnesses_) CosignWith(w, note, size, &result);
  return result;
}

void Cosigner::CosignWith(const WitnessConfig& w, const std::string& note, uint64_t size,
                          CosignResult* result) {
  auto refuse = [&](uint64_t old_size, const std::string& why) {
    result->refusals.push_back(
        fmt::format("witness {} refused the checkpoint of size {} (sent from size {}): {}", w.name,
                    size, old_size, why));
  };
  auto known = cosigned_size_.find(w.name);
  uint64_t old_size = known == cosigned_size_.end() ? 0 : known->second;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (old_size > size) {
      return refuse(old_size, fmt::format("it already cosigned size {}: this log was rolled back, "
                                          "or another log uses its key",
                                          old_size));
    }
    AddCheckpointRequest request{old_size, {}, note};
    if (old_size > 0 && old_size < size) request.proof = proof_(old_size, size);
    PostResult answer;
    try {
      answer = PostAddCheckpoint(w.url, FormatAddCheckpoint(request), timeout_);
    } catch (const Error& e) {
      return refuse(old_size, e.what());
    }
    if (answer.status == 409 && attempt == 0) {
      // The witness holds another size: its body says which.
      uint64_t held = 0;
      std::string_view body = answer.body;
      if (body.ends_with('\n')) body.remove_suffix(1);
      auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), held);
      if (ec != std::errc() || end != body.data() + body.size()) {
        return refuse(old_size, "409 without a size in its body");
      }
      old_size = held;
      continue;
    }
    if (answer.status != 200) {
      return refuse(old_size, fmt::format("HTTP {}: {}", answer.status, FirstLine(answer.body)));
    }
    // Keep only the lines of this witness's key, and only if they verify.
    std::string lines = ledger::SignatureLinesOf(answer.body, w.key.name);
    std::string text, problem;
    if (lines.empty() || !ledger::OpenNote(note + lines, w.key, &text, &problem)) {
      return refuse(old_size, "its answer holds no valid cosignature by its key");
    }
    result->note += lines;
    ++result->cosignatures;
    cosigned_size_[w.name] = size;
    return;
  }
  refuse(old_size, "409 twice");
}

}  // namespace jejak::witness
