#include "ledger/prepare.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>

#include "base/error.h"
#include "events/encoding.h"
#include "events/vocabulary.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"

namespace jejak::ledger {
namespace {

using base::Error;
using base::ErrorCode;

// Below this many entries a batch is prepared by its caller alone: handing
// part over costs a few microseconds of wake-up.
constexpr size_t kMinSplit = 64;
// Entries each thread takes at a time: the helper wakes tens of microseconds
// after the caller starts, so fixed halves would leave the caller waiting.
constexpr size_t kChunk = 32;

// Prepares entries[i] into *out.
void PrepareOne(const std::string& bytes, size_t i, Prepared* out) {
  events::EventKeys keys;
  try {
    keys = events::CheckCanonical(bytes);
  } catch (const Error& err) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("not a canonical event (batch entry {}): {}", i, err.what()));
  }
  *out = Prepared{&bytes,          Sha256Of(bytes),    MerkleLeafHash(bytes),
                  keys.request_id, keys.actor_subject, nullptr};
  if (keys.type == events::types::kCheckpointSigned) {
    try {
      std::string note = RecordedCheckpoint(events::Decode(bytes));
      uint64_t size = ParseCheckpoint(note).size;
      out->checkpoint = std::make_unique<std::pair<uint64_t, std::string>>(size, std::move(note));
    } catch (const Error& err) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("batch entry {} records no checkpoint: {}", i, err.what()));
    }
  }
}

// The error of the lowest entry a thread failed on.
struct FirstError {
  size_t index = SIZE_MAX;
  std::exception_ptr error;
};

// Prepares the chunks it takes from *next until none are left.
void PrepareChunks(const std::vector<std::string>& in, std::vector<Prepared>* out,
                   std::atomic<size_t>* next, FirstError* first) {
  for (;;) {
    size_t begin = next->fetch_add(kChunk, std::memory_order_relaxed);
    if (begin >= in.size()) return;
    size_t end = std::min(in.size(), begin + kChunk);
    for (size_t i = begin; i < end; ++i) {
      try {
        PrepareOne(in[i], i, &(*out)[i]);
      } catch (...) {
        if (i < first->index) *first = FirstError{i, std::current_exception()};
        break;  // the rest of this chunk comes after i
      }
    }
  }
}

}  // namespace

std::vector<Prepared> PrepareBatch(const std::vector<std::string>& entries, HelperThread* helper) {
  std::vector<Prepared> out(entries.size());
  std::atomic<size_t> next{0};
  FirstError mine, theirs;
  bool helped = entries.size() >= kMinSplit &&
                helper->TryStart([&] { PrepareChunks(entries, &out, &next, &theirs); });
  PrepareChunks(entries, &out, &next, &mine);
  if (helped) helper->Wait();  // PrepareChunks throws nothing
  // The first bad entry in order is the one named.
  if (theirs.index < mine.index) std::swap(mine, theirs);
  if (mine.error) std::rethrow_exception(mine.error);
  return out;
}

}  // namespace jejak::ledger
