#include "kafka/relay.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include "base/background_thread.h"
#include "base/error.h"
#include "base/files.h"
#include "events/encoding.h"
#include "events/time.h"
#include "kafka/cloud_event.h"

namespace jejak::kafka {
namespace {

using base::Error;
using base::ErrorCode;
namespace fs = std::filesystem;

constexpr uint64_t kScanChunk = 1024;
constexpr size_t kMaxCachedRequests = 1'000'000;
// Short, so that stopping never waits long for an unreachable broker.
constexpr auto kAdminTimeout = std::chrono::seconds(2);

std::string PositionPath(const std::string& data_dir, const std::string& topic) {
  return data_dir + "/relay/" + topic + ".position";
}

SavedRelayPosition ParsePosition(const std::string& path, std::string* chain_hex) {
  nlohmann::json j = nlohmann::json::parse(base::ReadFile(path), nullptr, false);
  SavedRelayPosition s;
  try {
    s.topic = j.at("topic").get<std::string>();
    s.position = j.at("position").get<uint64_t>();
    s.bootstrap = j.value("bootstrap", "");
    s.last_error = j.value("last_error", "");
    s.updated_us = events::ParseRfc3339(j.at("updated").get<std::string>());
    if (chain_hex) *chain_hex = j.at("chain").get<std::string>();
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kCorruption,
                fmt::format("{} is not a relay position: {}", path, e.what()));
  }
  return s;
}

class RelayImpl : public Relay {
 public:
  RelayImpl(ledger::Ledger& ledger, RelayOptions o) : ledger_(ledger), options_(std::move(o)) {
    fs::create_directories(options_.data_dir + "/relay");
    LoadPosition();
    thread_.Start("jejak-relay", [this] { Run(); });
  }

  ~RelayImpl() override { thread_.Stop(); }

  bool Drain(std::chrono::milliseconds timeout) override {
    uint64_t target = ledger_.size();
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, timeout, [&] { return published_ >= target || failed_; });
    return published_ >= target;
  }

  RelayStatus status() const override {
    std::lock_guard<std::mutex> l(mu_);
    RelayStatus s;
    s.topic = options_.topic;
    s.published = published_;
    s.ledger_size = std::max(ledger_size_, ledger_.size());
    s.topic_ready = topic_ready_;
    s.failed = failed_;
    s.last_error = last_error_;
    if (std::string problem = thread_.problem(); !problem.empty()) {
      s.failed = true;  // something else than a base::Error stopped it
      s.last_error = problem;
    }
    return s;
  }

 private:
  void LoadPosition() {
    std::string path = PositionPath(options_.data_dir, options_.topic);
    if (!fs::exists(path)) return;
    std::string chain;
    SavedRelayPosition s = ParsePosition(path, &chain);
    uint64_t size = ledger_.size();
    if (s.position > size) {
      throw Error(ErrorCode::kCorruption,
                  fmt::format("{}: the relay published {} entries but the ledger holds only {}: "
                              "it belongs to another ledger",
                              path, s.position, size));
    }
    if (s.position > 0 && ledger::HashToHex(ledger_.Get(s.position - 1)->chain) != chain) {
      throw Error(ErrorCode::kCorruption,
                  fmt::format("{}: the chain hash at entry {} differs from the ledger's: it "
                              "belongs to another ledger",
                              path, s.position - 1));
    }
    acked_ = next_ = saved_ = published_ = cache_from_ = s.position;
  }

  void SetError(const std::string& e) {
    std::lock_guard<std::mutex> l(mu_);
    if (last_error_ != e) dirty_ = true;
    last_error_ = e;
  }

  void Run() {
    auto backoff = options_.min_backoff;
    while (!thread_.stopping()) {
      try {
        if (!topic_ready_) {
          kafka::CreateTopic(options_.bootstrap,
                             {options_.topic, options_.partitions, options_.replication},
                             kAdminTimeout);
          std::lock_guard<std::mutex> l(mu_);
          topic_ready_ = true;
        }
        if (!producer_) {
          producer_ = std::make_unique<kafka::Producer>(
              options_.bootstrap, [this](const kafka::KafkaDelivery& d) { OnDelivery(d); },
              options_.producer_properties);
        }
        uint64_t before = acked_;
        Pump();
        if (acked_ > before) {
          backoff = options_.min_backoff;
          SetError("");
        } else if (!producer_->last_error().empty() && next_ > acked_) {
          SetError(producer_->last_error());
        }
        if (std::string fatal = producer_->FatalError(); !fatal.empty()) {
          // The producer cannot go on: a new one republishes from acked_.
          SetError("kafka: " + fatal);
          producer_.reset();
          Rewind();
        } else if (retry_ && producer_->outstanding() == 0) {
          Rewind();
          thread_.SleepFor(backoff);
          backoff = std::min(backoff * 2, options_.max_backoff);
        }
        Save(false);
      } catch (const Error& e) {
        SetError(e.what());
        if (e.code() != ErrorCode::kUnavailable) {
          std::lock_guard<std::mutex> l(mu_);
          failed_ = true;
          break;
        }
        thread_.SleepFor(backoff);
        backoff = std::min(backoff * 2, options_.max_backoff);
      }
    }
    if (producer_) producer_->Poll(std::chrono::milliseconds(0));  // reports already in
    producer_.reset();
    Publish();
    try {
      Save(true);
    } catch (const Error&) {
      // Nothing to report to: the next start publishes again from the last
      // saved position, which is only a few duplicates.
    }
    cv_.notify_all();
  }

  // Produces what the ledger holds beyond next_, then serves delivery reports.
  void Pump() {
    uint64_t size = ledger_.size();
    {
      std::lock_guard<std::mutex> l(mu_);
      ledger_size_ = size;
    }
    bool full = false;
    while (!retry_ && !full && next_ < size && next_ - acked_ < options_.max_in_flight) {
      uint64_t end = std::min({size, acked_ + options_.max_in_flight, next_ + kScanChunk});
      ledger_.Scan(next_, end, [&](const ledger::Entry& entry) {
        if (!Produce(entry)) {
          full = true;
          return false;
        }
        return true;
      });
    }
    bool waiting = next_ > acked_ && !full;
    producer_->Poll(std::chrono::milliseconds(full ? 1 : waiting ? 5 : 10));
    Publish();
  }

  // Shows acked_ to other threads: once per poll, not per delivery report,
  // so that waiters wake once per batch.
  void Publish() {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (published_ == acked_) return;
      published_ = acked_;
    }
    cv_.notify_all();
  }

  bool Produce(const ledger::Entry& entry) {
    kafka::PublishedEvent p;
    p.event = events::Decode(entry.bytes);
    p.event.seq = entry.seq;
    p.chain_hex = ledger::HashToHex(entry.chain);
    const std::string& request = p.event.request_id;
    if (!request.empty()) p.prev_seq = PreviousOf(request, entry.seq);
    if (source_.empty()) {
      source_ = !options_.source.empty()
                    ? options_.source
                    : "jejak:ledger:" + ledger::HashToHex(ledger_.Get(0)->chain);
    }
    kafka::ToKafkaRecord(p, options_.topic, source_, &record_);
    if (!producer_->Produce(record_, entry.seq)) return false;
    if (!request.empty()) {
      if (last_by_request_.size() >= kMaxCachedRequests) {
        last_by_request_.clear();
        cache_from_ = entry.seq;
      }
      last_by_request_.insert_or_assign(request, entry.seq);
    }
    window_.push_back(0);
    next_ = entry.seq + 1;
    return true;
  }

  // The seq of the request's event before seq. Entries are produced in
  // order, so the cache holds that for every request seen since cache_from_;
  // only older events need the ledger's index.
  std::optional<uint64_t> PreviousOf(const std::string& request, uint64_t seq) {
    auto it = last_by_request_.find(request);
    if (it != last_by_request_.end() && it->second < seq) return it->second;
    if (cache_from_ == 0 && it == last_by_request_.end()) return std::nullopt;
    std::optional<uint64_t> prev;
    for (const auto& e : ledger_.ReadRequest(request)) {
      if (e.seq >= seq) break;
      prev = e.seq;
    }
    return prev;
  }

  void OnDelivery(const kafka::KafkaDelivery& d) {
    if (d.tag < acked_ || d.tag >= next_) return;  // from before a rewind
    if (!d.ok) {
      retry_ = true;
      SetError(fmt::format("kafka: delivery of entry {} failed: {}", d.tag, d.error));
      return;
    }
    window_[d.tag - acked_] = 1;
    uint64_t advanced = 0;
    while (!window_.empty() && window_.front()) {
      window_.pop_front();
      ++advanced;
    }
    acked_ += advanced;
  }

  // Publishes again from the first entry not known to be delivered.
  void Rewind() {
    next_ = acked_;
    window_.clear();
    retry_ = false;
    last_by_request_.clear();
    cache_from_ = acked_;
  }

  void Save(bool force) {
    auto now = std::chrono::steady_clock::now();
    bool dirty;
    std::string error;
    {
      std::lock_guard<std::mutex> l(mu_);
      dirty = dirty_ || acked_ != saved_;
      error = last_error_;
    }
    if (!dirty || (!force && now - last_save_ < options_.save_interval)) return;
    nlohmann::json j = {{"topic", options_.topic},
                        {"position", acked_},
                        {"chain", acked_ ? ledger::HashToHex(ledger_.Get(acked_ - 1)->chain) : ""},
                        {"bootstrap", options_.bootstrap},
                        {"last_error", error},
                        {"updated", events::FormatRfc3339(events::NowMicros())}};
    base::WriteFileAtomically(PositionPath(options_.data_dir, options_.topic), j.dump() + "\n",
                              0644);
    std::lock_guard<std::mutex> l(mu_);
    saved_ = acked_;
    dirty_ = false;
    last_save_ = now;
  }

  ledger::Ledger& ledger_;
  const RelayOptions options_;
  std::string source_;
  std::unique_ptr<kafka::Producer> producer_;
  kafka::KafkaRecord record_;  // reused for each entry: its buffers stay allocated
  // Relay thread only: [acked_, next_) is produced, window_[i] says whether
  // acked_ + i was delivered; acked_ is the first entry not yet delivered.
  uint64_t acked_ = 0, next_ = 0;
  std::deque<uint8_t> window_;
  bool retry_ = false;
  std::unordered_map<std::string, uint64_t> last_by_request_;  // request -> last produced seq
  uint64_t cache_from_ = 0;  // last_by_request_ has seen every entry from here on
  std::chrono::steady_clock::time_point last_save_{};

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool failed_ = false, topic_ready_ = false, dirty_ = false;
  uint64_t published_ = 0, saved_ = 0, ledger_size_ = 0;
  std::string last_error_;
  base::BackgroundThread thread_;  // runs Run(); last, so that it stops first
};

}  // namespace

std::unique_ptr<Relay> Relay::Start(ledger::Ledger& ledger, RelayOptions options) {
  if (options.bootstrap.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "the relay needs a Kafka bootstrap address");
  }
  // Kafka's own rule for topic names; it also keeps the position file name safe.
  const std::string& t = options.topic;
  bool ok = !t.empty() && t.size() <= 249 && t != "." && t != "..";
  for (char c : t)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  if (!ok) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("bad topic name \"{}\": use 1 to 249 of a-z A-Z 0-9 . _ -", t));
  }
  if (options.partitions < 1 || options.replication < 1) {
    throw Error(ErrorCode::kInvalidArgument, "topic partitions and replication must be at least 1");
  }
  return std::make_unique<RelayImpl>(ledger, std::move(options));
}

std::vector<SavedRelayPosition> ReadRelayPositions(const std::string& data_dir) {
  std::vector<SavedRelayPosition> out;
  std::error_code ec;
  fs::path dir = fs::path(data_dir) / "relay";
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& f : fs::directory_iterator(dir)) {
    if (f.path().extension() == ".position")
      out.push_back(ParsePosition(f.path().string(), nullptr));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.topic < b.topic; });
  return out;
}

}  // namespace jejak::kafka
