#include "ledger/table_files.h"

#include <fmt/format.h>

#include <filesystem>
#include <set>

#include "base/error.h"
#include "base/files.h"
#include "base/wal_reader.h"

namespace jejak::ledger {
namespace {

using base::ReadWal;
using base::WalRecord;

namespace fs = std::filesystem;
using base::Error;
using base::ErrorCode;

// VersionEdit tags (RocksDB's db/version_edit.h).
enum : uint32_t {
  kComparator = 1,
  kLogNumber = 2,
  kNextFileNumber = 3,
  kLastSequence = 4,
  kCompactCursor = 5,
  kDeletedFile = 6,
  kNewFile = 7,
  kPrevLogNumber = 9,
  kMinLogNumberToKeep = 10,
  kNewFile2 = 100,
  kNewFile3 = 102,
  kNewFile4 = 103,
  kColumnFamily = 200,
  kColumnFamilyAdd = 201,
  kColumnFamilyDrop = 202,
  kMaxColumnFamily = 203,
  kInAtomicGroup = 300,
  kTagSafeIgnoreMask = 1 << 13,  // and above: length-prefixed, ignorable
  kNewFileTerminate = 1,         // NewFile4's custom fields end
};

class Input {
 public:
  explicit Input(std::string_view data) : in_(data) {}
  bool empty() const { return in_.empty(); }
  bool Varint(uint64_t* v) {
    uint64_t r = 0;
    for (int shift = 0; shift <= 63 && !in_.empty(); shift += 7) {
      auto b = static_cast<uint8_t>(in_.front());
      in_.remove_prefix(1);
      r |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        *v = r;
        return true;
      }
    }
    return false;
  }
  bool Slice(std::string_view* out) {
    uint64_t n;
    if (!Varint(&n) || n > in_.size()) return false;
    *out = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool Skip(int varints, int slices) {
    uint64_t v;
    std::string_view s;
    for (int i = 0; i < varints; ++i) {
      if (!Varint(&v)) return false;
    }
    for (int i = 0; i < slices; ++i) {
      if (!Slice(&s)) return false;
    }
    return true;
  }

 private:
  std::string_view in_;
};

struct Files {
  std::map<uint32_t, std::string> families{{0, "default"}};
  std::map<std::pair<uint32_t, uint64_t>, uint64_t> live;  // (family, number) -> size
};

// Applies one VersionEdit; false if it cannot be parsed.
bool Apply(std::string_view record, Files* files) {
  Input in(record);
  uint32_t family = 0;
  std::vector<std::pair<uint64_t, uint64_t>> added;  // number, size
  std::vector<uint64_t> deleted;
  std::string added_name;
  bool add_family = false, drop_family = false;
  uint64_t tag = 0, v = 0, number = 0, size = 0;
  std::string_view s;
  while (!in.empty()) {
    if (!in.Varint(&tag)) return false;
    bool ok = true;
    switch (tag) {
      case kComparator:
        ok = in.Slice(&s);
        break;
      case kLogNumber:
      case kNextFileNumber:
      case kLastSequence:
      case kPrevLogNumber:
      case kMinLogNumberToKeep:
      case kMaxColumnFamily:
      case kInAtomicGroup:
        ok = in.Varint(&v);
        break;
      case kCompactCursor:
        ok = in.Skip(1, 1);
        break;
      case kDeletedFile:
        ok = in.Varint(&v) && in.Varint(&number);
        if (ok) deleted.push_back(number);
        break;
      case kNewFile:
      case kNewFile2:
      case kNewFile3:
      case kNewFile4:
        ok = in.Varint(&v) && in.Varint(&number) && (tag != kNewFile3 || in.Varint(&v)) &&
             in.Varint(&size) && in.Skip(0, 2) && (tag == kNewFile || in.Skip(2, 0));
        while (ok && tag == kNewFile4) {
          ok = in.Varint(&v);
          if (!ok || v == kNewFileTerminate) break;
          ok = in.Slice(&s);
        }
        if (ok) added.emplace_back(number, size);
        break;
      case kColumnFamily:
        ok = in.Varint(&v);
        family = static_cast<uint32_t>(v);
        break;
      case kColumnFamilyAdd:
        ok = in.Slice(&s);
        add_family = true;
        added_name = std::string(s);
        break;
      case kColumnFamilyDrop:
        drop_family = true;
        break;
      default:
        // Blob files (which jejak never makes) and unknown tags end the
        // parse; future tags that may be ignored are length-prefixed.
        ok = (tag & kTagSafeIgnoreMask) != 0 && in.Slice(&s);
    }
    if (!ok) return false;
  }
  if (add_family) files->families[family] = added_name;
  if (drop_family) {
    std::erase_if(files->live, [&](const auto& f) { return f.first.first == family; });
    return true;
  }
  for (uint64_t n : deleted) files->live.erase({family, n});
  for (auto [n, sz] : added) files->live[{family, n}] = sz;
  return true;
}

}  // namespace

std::vector<TableFile> LiveTableFiles(const std::string& dir) {
  std::string current = base::ReadFile(dir + "/CURRENT");
  if (current.empty() || current.back() != '\n' || current.find('/') != std::string::npos) {
    throw Error(ErrorCode::kCorruption, fmt::format("{}/CURRENT is malformed", dir));
  }
  current.pop_back();
  std::string manifest = dir + "/" + current;
  Files files;
  bool parsed = true;
  ReadWal(manifest, [&](const WalRecord& r) {
    if (parsed && r.problem.empty()) parsed = Apply(r.data, &files);
  });
  if (!parsed) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} holds records this jejak does not read", manifest));
  }
  std::vector<TableFile> out;
  for (const auto& [key, size] : files.live) {
    TableFile f;
    f.number = key.second;
    f.size = size;
    auto name = files.families.find(key.first);
    f.family = name == files.families.end() ? std::to_string(key.first) : name->second;
    f.path = fmt::format("{}/{:06}.sst", dir, f.number);
    out.push_back(std::move(f));
  }
  return out;
}

std::string TableFileDamage(const std::string& dir) {
  std::string problem;
  for (int reading = 0; reading < 2; ++reading) {
    std::vector<TableFile> files;
    try {
      files = LiveTableFiles(dir);
    } catch (const Error&) {
      return "";  // RocksDB's own open reports a damaged MANIFEST
    }
    problem.clear();
    for (const auto& f : files) {
      std::error_code ec;
      uintmax_t size = fs::file_size(f.path, ec);
      if (ec) {
        problem = fmt::format(
            "the table file {} of column family \"{}\" is missing ({}): RocksDB recorded it, "
            "with {} bytes",
            f.path, f.family, ec.message(), f.size);
      } else if (size != f.size) {
        problem = fmt::format(
            "the table file {} of column family \"{}\" holds {} bytes, but RocksDB recorded {}: "
            "it is damaged",
            f.path, f.family, size, f.size);
      }
      if (!problem.empty()) break;
    }
    if (problem.empty()) return "";
  }
  return problem;
}

}  // namespace jejak::ledger
