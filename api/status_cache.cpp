#include "api/status_cache.h"

#include <functional>

#include "api/json_writer.h"
#include "projections/keys.h"
#include "projections/status.h"

namespace jejak::api {

std::optional<StatusText> StatusCache::Get(const projections::Store& store, const std::string& id,
                                           int64_t now_us) {
  std::optional<std::string> record = store.Get(projections::keys::Request(id));
  if (!record) return std::nullopt;
  Shard& shard = shards_[std::hash<std::string>()(id) % kShards];
  {
    std::lock_guard lock(shard.mu);
    auto it = shard.entries.find(id);
    if (it != shard.entries.end() && it->second.record == *record) {
      const Entry& e = it->second;
      bool overdue = e.deadline && now_us > *e.deadline;
      if (overdue == e.overdue && store.QueueKeysBefore(e.queue_key) == e.ahead) return e.text;
    }
  }
  projections::StatusDependencies depends = projections::RequestStatusDependencies(*record, id);
  Entry e;
  e.queue_key = std::move(depends.queue_key);
  e.deadline = depends.deadline;
  e.overdue = e.deadline && now_us > *e.deadline;
  e.ahead = store.QueueKeysBefore(e.queue_key);
  std::optional<nlohmann::json> doc = projections::RequestStatus(store, id, now_us);
  if (!doc) return std::nullopt;
  e.text.tracking_code_sha256 = doc->value("tracking_code_sha256", "");
  doc->erase("tracking_code_sha256");
  e.text.json = std::make_shared<const std::string>(DumpJson(*doc));
  e.record = std::move(*record);
  StatusText out = e.text;
  if (max_per_shard_ == 0) return out;
  std::lock_guard lock(shard.mu);
  if (shard.entries.size() >= max_per_shard_) shard.entries.clear();
  shard.entries.insert_or_assign(id, std::move(e));
  return out;
}

}  // namespace jejak::api
