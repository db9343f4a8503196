// Helpers shared by jejak's tests: scratch directories, sample events,
// subprocesses, directory snapshots and raw RocksDB access.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <rocksdb/db.h>
#include <rocksdb/table_properties.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "events/event.h"
#include "ledger/layout.h"

namespace jejak::testing {

// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("jejak-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A realistic event with fixed id and time, different for each n.
inline events::Event SampleEvent(uint64_t n, std::string request_id = "") {
  events::Event e;
  for (size_t i = 0; i < 16; ++i) e.id.bytes[i] = static_cast<uint8_t>(n >> (8 * (i % 8)) ^ i);
  e.request_id = request_id.empty() ? "REQ-" + std::to_string(n % 97) : std::move(request_id);
  e.workflow = "oss-izin-usaha";
  e.workflow_version = 1;
  e.type = "action";
  e.actor = {"officer-" + std::to_string(n % 5), "verifikator", "DPMPTSP Kota Bandung"};
  e.time_us = 1'795'000'000'000'000 + static_cast<int64_t>(n) * 1'000'000;
  e.fields.emplace("action", events::FieldValue::String("verify_documents"));
  e.fields.emplace("note", events::FieldValue::String("berkas lengkap #" + std::to_string(n)));
  return e;
}

// A child process started with fork+exec (safe even once RocksDB threads run
// in the parent), stdin from /dev/null, stdout and stderr into pipes. The
// destructor kills and reaps it if it is still running.
class Subprocess {
 public:
  explicit Subprocess(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork");
    if (pid_ == 0) {
      // Only async-signal-safe calls between fork and exec.
      int null = open("/dev/null", O_RDONLY);
      dup2(null, 0);
      dup2(out[1], 1);
      dup2(err[1], 2);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    fds_[0] = out[0];
    fds_[1] = err[0];
  }
  ~Subprocess() {
    if (pid_ > 0 && status_ < 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    for (int fd : fds_) {
      if (fd >= 0) close(fd);
    }
  }
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  void Kill(int sig) { kill(pid_, sig); }

  // Reads output until stdout holds marker, both pipes close, or timeout.
  bool ReadUntil(const std::string& marker, std::chrono::milliseconds timeout) {
    Pump(std::chrono::steady_clock::now() + timeout,
         [&] { return out_.find(marker) != std::string::npos; });
    return out_.find(marker) != std::string::npos;
  }
  // Reads output for a while, so that a chatty child never blocks on a full pipe.
  void Drain(std::chrono::milliseconds duration) {
    Pump(std::chrono::steady_clock::now() + duration, [] { return false; });
  }

  // Reads all output until both pipes close, then reaps the child. Returns
  // its exit code, or -signal if a signal ended it.
  int Wait() {
    Pump(std::chrono::steady_clock::time_point::max(), [] { return false; });
    int status = 0;
    waitpid(pid_, &status, 0);
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return status_;
  }

  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  void Pump(std::chrono::steady_clock::time_point deadline, const std::function<bool()>& done) {
    while (!done() && (fds_[0] >= 0 || fds_[1] >= 0)) {
      auto left = deadline - std::chrono::steady_clock::now();
      if (left <= left.zero()) return;
      int ms = static_cast<int>(
          std::min<int64_t>(std::chrono::ceil<std::chrono::milliseconds>(left).count(), 1000));
      pollfd p[2] = {{fds_[0], POLLIN, 0}, {fds_[1], POLLIN, 0}};
      if (poll(p, 2, ms) < 0) continue;
      for (int i = 0; i < 2; ++i) {
        if (fds_[i] < 0 || p[i].revents == 0) continue;
        char buf[4096];
        ssize_t n = read(fds_[i], buf, sizeof buf);
        if (n > 0) {
          (i == 0 ? out_ : err_).append(buf, n);
        } else if (n == 0 || errno != EINTR) {
          close(fds_[i]);
          fds_[i] = -1;
        }
      }
    }
  }

  pid_t pid_ = -1;
  int fds_[2] = {-1, -1};
  int status_ = -1;
  std::string out_, err_;
};

// The jejak executable: $JEJAK_BIN as ctest sets it, else the one built with
// the tests.
inline std::string JejakBin() {
  if (const char* bin = std::getenv("JEJAK_BIN")) return bin;
#ifdef JEJAK_DEFAULT_BIN
  return JEJAK_DEFAULT_BIN;
#else
  throw std::runtime_error("JEJAK_BIN is not set");
#endif
}

struct RunResult {
  int exit_code;
  std::string out, err;
};

// Runs argv to completion, capturing its output.
inline RunResult Run(const std::vector<std::string>& argv) {
  Subprocess p(argv);
  int code = p.Wait();
  return {code, p.out(), p.err()};
}

// Runs the jejak executable with args, and --data data_dir when given.
inline RunResult RunJejak(std::vector<std::string> args, const std::string& data_dir = "") {
  args.insert(args.begin(), JejakBin());
  if (!data_dir.empty()) args.insert(args.end(), {"--data", data_dir});
  return Run(args);
}

// Every regular file under dir (relative path) with its size and a hash of
// its content: equal snapshots mean nothing was added, removed or changed.
inline std::map<std::string, std::string> SnapshotDir(const std::string& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return files;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
    std::string rel = std::filesystem::relative(f.path(), dir).string();
    if (!f.is_regular_file()) {
      files[rel] = "dir";
      continue;
    }
    std::ifstream in(f.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    files[rel] = std::to_string(f.file_size()) + ":" +
                 std::to_string(std::hash<std::string>{}(content.str()));
  }
  return files;
}

// The column families of a ledger's main RocksDB, for RawDb.
inline std::vector<std::string> LedgerFamilies() {
  return {rocksdb::kDefaultColumnFamilyName, ledger::layout::kEntries, ledger::layout::kMerkle,
          ledger::layout::kCheckpoints};
}

// The ledger's index database (format v3) and its column families, for RawDb.
inline std::string IndexDir(const std::string& ledger_dir) {
  return ledger_dir + "/" + ledger::layout::kIndexDir;
}
inline std::vector<std::string> IndexFamilies() {
  return {rocksdb::kDefaultColumnFamilyName, ledger::layout::kByRequest, ledger::layout::kByActor};
}

// A RocksDB opened directly, not through jejak, with the named column families
// (all of them, as RocksDB requires): to build foreign databases and to change
// a ledger behind jejak's back. Closing it leaves every write on disk.
class RawDb {
 public:
  RawDb(const std::string& dir, const std::vector<std::string>& families, bool create = false) {
    rocksdb::Options options;
    options.create_if_missing = create;
    options.create_missing_column_families = create;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& f : families) descriptors.emplace_back(f, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* db = nullptr;
    Check(rocksdb::DB::Open(options, dir, descriptors, &handles_, &db));
    db_.reset(db);
    for (size_t i = 0; i < families.size(); ++i) by_name_[families[i]] = handles_[i];
  }
  ~RawDb() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  std::optional<std::string> Get(const std::string& family, const std::string& key) {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), by_name_.at(family), key, &value);
    if (s.IsNotFound()) return std::nullopt;
    Check(s);
    return value;
  }
  void Put(const std::string& family, const std::string& key, const std::string& value) {
    Check(db_->Put(rocksdb::WriteOptions(), by_name_.at(family), key, value));
  }
  void Delete(const std::string& family, const std::string& key) {
    Check(db_->Delete(rocksdb::WriteOptions(), by_name_.at(family), key));
  }
  // Every key and value of family, in order.
  std::vector<std::pair<std::string, std::string>> Scan(const std::string& family) {
    std::vector<std::pair<std::string, std::string>> out;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), by_name_.at(family)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.emplace_back(it->key().ToString(), it->value().ToString());
    }
    Check(it->status());
    return out;
  }
  // How many of family's table files SstFileWriter made (ingested ones).
  size_t IngestedFiles(const std::string& family) {
    rocksdb::TablePropertiesCollection tables;
    Check(db_->GetPropertiesOfAllTables(by_name_.at(family), &tables));
    return std::count_if(tables.begin(), tables.end(), [](const auto& t) {
      return t.second->user_collected_properties.count("rocksdb.external_sst_file.version") > 0;
    });
  }

 private:
  static void Check(const rocksdb::Status& s) {
    if (!s.ok()) throw std::runtime_error("RawDb: " + s.ToString());
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name_;
};

// The live table files (paths) of one column family of the ledger in dir,
// as RocksDB records them: to damage a ledger's files behind jejak's back.
inline std::vector<std::string> LedgerTables(const std::string& dir, const std::string& family) {
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& f : LedgerFamilies()) families.emplace_back(f, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s =
      rocksdb::DB::OpenForReadOnly(rocksdb::Options(), dir, families, &handles, &db);
  if (!s.ok()) throw std::runtime_error("LedgerTables: " + s.ToString());
  std::vector<rocksdb::LiveFileMetaData> files;
  db->GetLiveFilesMetaData(&files);
  std::vector<std::string> out;
  for (const auto& f : files) {
    if (f.column_family_name == family) out.push_back(dir + "/" + f.relative_filename);
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  return out;
}

// `jejak submit` arguments for a valid OSS licence application by nik (the
// example workflow examples/workflows/oss-izin-usaha.yaml).
inline std::vector<std::string> OssSubmitArgs(const std::string& nik) {
  return {"submit",  "oss-izin-usaha",
          "--as",    nik,
          "--field", "nik=" + nik,
          "--field", "nama_pemohon=Siti Aminah",
          "--field", "nama_usaha=Kopi Aroma",
          "--field", "kbli=56303",
          "--field", "skala_usaha=mikro",
          "--field", "tingkat_risiko=rendah",
          "--field", "nilai_investasi=250000000",
          "--field", "jumlah_tenaga_kerja=4",
          "--field", "tempat_milik_sendiri=false",
          "--field", "lokasi_usaha=Jl. Braga 12, Bandung"};
}

// An event with a field of every type, idempotency, causation and
// correlation ids, and non-ASCII text: for encoding round trips.
inline events::Event EventWithEveryFieldType() {
  using events::FieldValue;
  events::Event e = SampleEvent(11);
  e.idempotency_key = "retry-7";
  e.causation_id = "cmd-9";
  e.correlation_id = "corr-9";
  e.actor.agency = "Dinas Penanaman Modal — Bandung";
  e.fields.emplace("nik", FieldValue::String("3273010101900001"));
  e.fields.emplace("employees", FieldValue::Integer(-12));
  e.fields.emplace("capital", FieldValue::Decimal("1500000000.50"));
  e.fields.emplace("owned", FieldValue::Boolean(true));
  e.fields.emplace("deed_date", FieldValue::Date("2024-02-29"));
  e.fields.emplace("digest", FieldValue::Bytes(std::string("\x00\xff\x10", 3)));
  e.fields.emplace("due", FieldValue::Timestamp(1'795'000'000'123'456));
  return e;
}

}  // namespace jejak::testing
