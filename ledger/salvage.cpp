#include "ledger/salvage.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/sst_file_reader.h>
#include <rocksdb/table_properties.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <queue>

#include "base/big_endian.h"
#include "base/error.h"
#include "base/files.h"
#include "base/hex.h"
#include "base/rocks_files.h"
#include "base/wal_reader.h"
#include "events/encoding.h"
#include "events/time.h"
#include "ledger/chain.h"
#include "ledger/checkpoint.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"

namespace jejak::ledger {
namespace {

using base::BatchPut;
using base::ForEachPut;
using base::ReadWal;
using base::WalFiles;
using base::WalRecord;

namespace fs = std::filesystem;
using base::Error;
using base::ErrorCode;

// One value found for an entry: its stored chain hash and bytes.
struct Candidate {
  Hash chain{};
  std::string bytes;
  std::string found_in;  // file (and offset)
  uint64_t rank = 0;     // newer writes rank higher: table files 0, logs by number
};

void AddCandidate(std::vector<Candidate>* out, std::string_view value, std::string found_in,
                  uint64_t rank) {
  if (value.size() < layout::kChainSize) return;
  Candidate c;
  std::memcpy(c.chain.data(), value.data(), layout::kChainSize);
  c.bytes.assign(value.substr(layout::kChainSize));
  for (auto& o : *out) {
    if (o.chain == c.chain && o.bytes == c.bytes) {
      o.rank = std::max(o.rank, rank);
      return;
    }
  }
  c.found_in = std::move(found_in);
  c.rank = rank;
  out->push_back(std::move(c));
}

// Why c is not entry seq after an entry whose chain hash is previous; empty
// if it is.
std::string Problem(uint64_t seq, const Hash& previous, const Candidate& c) {
  try {
    events::CheckCanonical(c.bytes);
  } catch (const Error& e) {
    return fmt::format("its bytes are not a canonical event ({})", e.what());
  }
  if (ChainHash(seq, previous, c.bytes) != c.chain) {
    return seq == 0 ? "its chain hash is not that of entry 0"
                    : fmt::format("its chain hash does not link it to entry {}", seq - 1);
  }
  return "";
}

// Everything the files of a ledger directory hold that salvage uses: the
// entries by seq, in order (a merge of the entries' table files and the
// logs), the sizes head records state, and the checkpoints.
class Sources {
 public:
  Sources(const std::string& dir, SalvageReport* report) : report_(report) {
    for (const auto& path : base::RocksFiles(dir, ".sst")) ReadTable(path);
    for (const auto& path : WalFiles(dir)) ReadLog(path);
  }

  ~Sources() {
    for (auto& t : tables_) t.it.reset();  // before their readers
  }

  // The next seq with any value found, at or after the last one returned,
  // and its values; false once there is none.
  bool Next(uint64_t* seq, std::vector<Candidate>* out) {
    out->clear();
    std::optional<uint64_t> next;
    if (!heap_.empty()) next = heap_.top().first;
    if (!logged_.empty() && (!next || logged_.begin()->first < *next)) {
      next = logged_.begin()->first;
    }
    if (!next) return false;
    *seq = *next;
    while (!heap_.empty() && heap_.top().first == *seq) {
      size_t i = heap_.top().second;
      heap_.pop();
      Table& t = tables_[i];
      AddCandidate(out, t.it->value().ToStringView(), t.name, 0);
      t.it->Next();
      Advance(i);
    }
    auto it = logged_.find(*seq);
    if (it != logged_.end()) {
      for (auto& c : it->second) AddCandidate(out, c.second, c.first, c.rank);
      logged_.erase(it);
    }
    // Newest first: what RocksDB's recovery would read.
    std::stable_sort(out->begin(), out->end(),
                     [](const Candidate& a, const Candidate& b) { return a.rank > b.rank; });
    return true;
  }

  uint64_t head_size() const { return head_size_; }
  const std::map<uint64_t, std::vector<std::string>>& checkpoints() const { return checkpoints_; }

 private:
  struct Table {
    std::string name;
    std::unique_ptr<rocksdb::SstFileReader> reader;
    std::unique_ptr<rocksdb::Iterator> it;
  };
  struct Logged {
    std::string first;   // found in
    std::string second;  // value
    uint64_t rank;
  };

  void Damaged(const std::string& path, const std::string& why) {
    report_->damaged_files.push_back(fmt::format("{}: {}", path, why));
  }

  void ReadTable(const std::string& path) {
    auto reader = std::make_unique<rocksdb::SstFileReader>(rocksdb::Options());
    rocksdb::Status s = reader->Open(path);
    if (!s.ok()) return Damaged(path, s.ToString());
    auto props = reader->GetTableProperties();
    std::string family = props ? props->column_family_name : "";
    if (family != layout::kEntries && family != rocksdb::kDefaultColumnFamilyName &&
        family != layout::kCheckpoints) {
      return;  // Merkle tiles: derived, the new ledger computes its own
    }
    std::unique_ptr<rocksdb::Iterator> it(reader->NewIterator(rocksdb::ReadOptions()));
    it->SeekToFirst();
    if (family == layout::kEntries) {
      tables_.push_back(Table{path, std::move(reader), std::move(it)});
      Advance(tables_.size() - 1);
      return;
    }
    for (; it->Valid(); it->Next()) {
      std::string_view key = it->key().ToStringView(), value = it->value().ToStringView();
      if (family == rocksdb::kDefaultColumnFamilyName) {
        if (key == layout::kHeadKey && value.size() >= 8) NoteHead(value);
      } else if (family == layout::kCheckpoints && key.size() == 8) {
        checkpoints_[base::ReadBe64(key)].emplace_back(value);
      }
    }
    if (!it->status().ok()) Damaged(path, it->status().ToString());
  }

  // Puts table i's next entry into the heap, if it has one.
  void Advance(size_t i) {
    Table& t = tables_[i];
    for (; t.it->Valid(); t.it->Next()) {
      uint64_t seq;
      if (layout::ParseSeqKey(t.it->key().ToStringView(), &seq)) {
        heap_.emplace(seq, i);
        return;
      }
    }
    if (!t.it->status().ok()) Damaged(t.name, t.it->status().ToString());
  }

  void ReadLog(const std::string& path) {
    std::string name = fs::path(path).filename().string();
    uint64_t rank = std::stoull(name.substr(0, name.size() - 4));
    auto damage = ReadWal(path, [&](const WalRecord& r) {
      std::string found_in =
          fmt::format("{}@{}{}", path, r.offset, r.problem.empty() ? "" : " (a damaged record)");
      ForEachPut(r.data, [&](const BatchPut& p) {
        if (p.key == layout::kHeadKey && p.value.size() >= 8) return NoteHead(p.value);
        if (p.key.size() != 8 || p.value.size() < layout::kChainSize) return;
        uint64_t seq = base::ReadBe64(p.key);
        bool event = true;
        try {
          events::CheckCanonical(p.value.substr(layout::kChainSize));
        } catch (const Error&) {
          event = false;
        }
        // Other 8-byte keys are checkpoints (by tree size). In a damaged
        // record a damaged entry is kept as well, to be reported.
        if (event || !r.problem.empty()) {
          logged_[seq].push_back(Logged{found_in, std::string(p.value), rank});
        }
        if (!event) checkpoints_[seq].emplace_back(p.value);
      });
    });
    if (damage) {
      Damaged(path, fmt::format("damaged at offset {} ({})", damage->offset, damage->problem));
    }
  }

  void NoteHead(std::string_view value) {
    head_size_ = std::max(head_size_, base::ReadBe64(value));
  }

  SalvageReport* report_;
  std::vector<Table> tables_;
  // (seq, table): the next entry of each table, smallest seq first.
  std::priority_queue<std::pair<uint64_t, size_t>, std::vector<std::pair<uint64_t, size_t>>,
                      std::greater<>>
      heap_;
  std::map<uint64_t, std::vector<Logged>> logged_;
  std::map<uint64_t, std::vector<std::string>> checkpoints_;
  uint64_t head_size_ = 0;
};

// Holds a read lock on dir's LOCK file, which a writer holds for writing:
// refuses while one runs, and keeps one from starting meanwhile. On a
// read-only file system (no writer can run) there may be no lock to take.
class ReadLock {
 public:
  explicit ReadLock(const std::string& dir) {
    fd_ = open((dir + "/LOCK").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return;
    // An open file description lock: it conflicts with the writer's lock
    // even in the writer's own process, and closing it leaves that one be.
    struct flock l {};
    l.l_type = F_RDLCK;
    l.l_whence = SEEK_SET;
    if (fcntl(fd_, F_OFD_SETLK, &l) != 0 && (errno == EAGAIN || errno == EACCES)) {
      close(fd_);
      fd_ = -1;
      throw Error(ErrorCode::kBusy,
                  fmt::format("the ledger in {} is open for writing in another process; stop it "
                              "first",
                              dir));
    }
  }
  ~ReadLock() {
    if (fd_ >= 0) close(fd_);
  }
  ReadLock(const ReadLock&) = delete;
  ReadLock& operator=(const ReadLock&) = delete;

 private:
  int fd_ = -1;
};

bool IsEmptyOrAbsent(const std::string& dir) {
  std::error_code ec;
  return !fs::exists(dir, ec) || (fs::is_directory(dir, ec) && fs::is_empty(dir, ec));
}

}  // namespace

SalvageReport Salvage(const std::string& from, const std::string& to,
                      const std::string& unsaved_path) {
  if (!fs::exists(fs::path(from) / "CURRENT") && WalFiles(from).empty()) {
    throw Error(ErrorCode::kNotFound, fmt::format("no jejak ledger in {}", from));
  }
  if (!IsEmptyOrAbsent(to)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} is not empty; salvage writes a new ledger", to));
  }
  ReadLock lock(from);
  SalvageReport report;
  Sources sources(from, &report);
  std::unique_ptr<Ledger> out = Ledger::Open(to);
  std::ofstream unsaved(unsaved_path, std::ios::trunc);
  // The stream keeps no reason; errno holds that of the system call that
  // failed (libstdc++'s streams call open(2) and write(2)).
  if (!unsaved) throw base::SystemError(fmt::format("cannot write {}", unsaved_path), errno);

  Hash previous = kGenesisChain;
  bool broken = false;
  uint64_t seq = 0, last_found = 0;
  bool found_any = false;
  std::vector<Candidate> candidates;
  std::vector<std::string> batch;
  std::vector<Hash> chains;  // of batch, as stored
  auto flush = [&] {
    if (batch.empty()) return;
    auto appended = out->AppendBatch(std::move(batch));
    for (size_t i = 0; i < appended.size(); ++i) {
      if (appended[i].chain != chains[i]) {
        throw Error(ErrorCode::kCorruption,
                    fmt::format("salvaged entry {} got another chain hash", appended[i].seq));
      }
    }
    batch.clear();
    chains.clear();
  };
  auto export_entry = [&](uint64_t s, const Candidate& c, const std::string& why) {
    unsaved << nlohmann::json{{"seq", s},
                              {"chain", HashToHex(c.chain)},
                              {"bytes", base::ToHex(c.bytes)},
                              {"found_in", c.found_in},
                              {"problem", why}}
                   .dump()
            << "\n";
  };
  while (sources.Next(&seq, &candidates)) {
    found_any = true;
    last_found = seq;
    if (!broken) {
      const Candidate* good = nullptr;
      std::string why;
      if (seq != report.saved) {
        why = fmt::format("entry {} is in no readable file", report.saved);
      } else {
        for (const auto& c : candidates) {
          std::string p = Problem(seq, previous, c);
          if (p.empty()) {
            good = &c;
            break;
          }
          if (why.empty()) why = fmt::format("entry {}: {}", seq, p);
        }
      }
      if (good) {
        batch.push_back(good->bytes);
        chains.push_back(good->chain);
        previous = good->chain;
        ++report.saved;
        if (batch.size() == 4096) flush();
        continue;
      }
      broken = true;
      report.first_problem = why;
    }
    for (const auto& c : candidates) {
      std::string p = seq == report.saved ? Problem(seq, previous, c) : "";
      export_entry(seq, c,
                   p.empty() ? fmt::format("after entry {}, which is not saved", report.saved) : p);
      ++report.exported;
    }
  }
  flush();
  report.expected = std::max({report.saved, found_any ? last_found + 1 : 0, sources.head_size()});
  if (!broken && report.expected > report.saved) {
    report.first_problem =
        fmt::format("entry {} is in no readable file (head records say the ledger held {} entries)",
                    report.saved, report.expected);
  }
  // Checkpoints within the saved entries stay valid: their roots are the new
  // ledger's. The saved checkpoint_signed events stored theirs again; one
  // stored without its record (the record was not saved, or a v3 ledger had
  // none) is recorded now, after the saved entries.
  std::vector<std::string> records;
  for (const auto& [size, notes] : sources.checkpoints()) {
    if (size == 0 || size > report.saved) continue;
    for (const auto& note : notes) {
      try {
        if (ParseCheckpoint(note).size == size &&
            ParseCheckpoint(note).root == out->MerkleRoot(size)) {
          if (out->GetCheckpoint(size) != note) {
            records.push_back(events::Encode(
                CheckpointEvent(note, out->indexed(), SystemActor(), events::NowMicros())));
          }
          ++report.checkpoints;
          break;
        }
      } catch (const Error&) {
        // Not a checkpoint of this ledger.
      }
    }
  }
  out->AppendBatch(std::move(records));
  unsaved.close();
  if (!unsaved) throw base::SystemError(fmt::format("cannot write {}", unsaved_path), errno);
  return report;
}

}  // namespace jejak::ledger
