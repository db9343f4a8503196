#include "ledger/prepare.h"

#include <fmt/format.h>

#include <span>

#include "events/encoding.h"
#include "events/error.h"
#include "ledger/merkle.h"

namespace jejak::ledger {
namespace {

using events::Error;
using events::ErrorCode;

// Below this many entries a batch is prepared by its caller alone: handing
// half over costs a few microseconds of wake-up.
constexpr size_t kMinSplit = 64;

// Prepares in[i] into out[i]; first is in[0]'s position in its batch.
void PrepareAll(std::span<const std::string> in, Prepared* out, size_t first) {
  for (size_t i = 0; i < in.size(); ++i) {
    const std::string& bytes = in[i];
    events::EventKeys keys;
    try {
      keys = events::CheckCanonical(bytes);
    } catch (const Error& err) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("not a canonical event (batch entry {}): {}", first + i, err.what()));
    }
    out[i] = Prepared{&bytes, Sha256Of(bytes), MerkleLeafHash(bytes), keys.request_id,
                      keys.actor_subject};
  }
}

}  // namespace

std::vector<Prepared> PrepareBatch(const std::vector<std::string>& entries, HelperThread* helper) {
  std::vector<Prepared> out(entries.size());
  std::span<const std::string> all(entries);
  size_t half = entries.size() / 2;
  if (entries.size() < kMinSplit ||
      !helper->TryStart([&] { PrepareAll(all.subspan(half), out.data() + half, half); })) {
    PrepareAll(all, out.data(), 0);
    return out;
  }
  std::exception_ptr mine;
  try {
    PrepareAll(all.first(half), out.data(), 0);
  } catch (...) {
    mine = std::current_exception();
  }
  try {
    helper->Wait();
  } catch (...) {
    if (!mine) throw;
  }
  // The first bad entry in order is the one named.
  if (mine) std::rethrow_exception(mine);
  return out;
}

}  // namespace jejak::ledger
