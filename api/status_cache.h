// The citizen's status documents (projections::RequestStatus) as JSON text,
// kept per request and served again while the inputs they were made from are
// unchanged: the request's projection record (byte for byte), its queue
// position and whether it is overdue. Everything else in the document comes
// from the workflow model of the record's version, which never changes once
// deployed. A status read then costs one Get and one queue count instead of
// decoding, building and writing the document.
//
// Thread-safe. Bounded: past max_entries a shard forgets everything it holds.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "projections/store.h"

namespace jejak::api {

struct StatusText {
  std::shared_ptr<const std::string> json;  // without tracking_code_sha256
  std::string tracking_code_sha256;         // hex, to check a citizen's code against
};

class StatusCache {
 public:
  // A document is a few kB: the default bounds the cache near 100 MB.
  explicit StatusCache(size_t max_entries = 32'768) { SetCapacity(max_entries); }
  // 0: keep nothing, every Get() builds the document. Call before any Get().
  void SetCapacity(size_t max_entries) {
    max_per_shard_ = max_entries == 0 ? 0 : max_entries / kShards + 1;
  }

  // The status of request id as RequestStatus(store, id, now_us) gives it;
  // nullopt if the store knows no such request. The caller holds the store
  // still (LiveProjector::Read) for the call.
  std::optional<StatusText> Get(const projections::Store& store, const std::string& id,
                                int64_t now_us);

 private:
  struct Entry {
    std::string record;     // the projection record it was made from
    std::string queue_key;  // the request's key in its queue
    std::optional<int64_t> deadline;
    uint64_t ahead = 0;  // queue keys before queue_key
    bool overdue = false;
    StatusText text;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Entry> entries;
  };
  static constexpr size_t kShards = 16;

  size_t max_per_shard_ = 0;
  std::array<Shard, kShards> shards_;
};

}  // namespace jejak::api
