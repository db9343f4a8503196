#include "base/wal_reader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <boost/crc.hpp>
#include <cerrno>
#include <filesystem>

#include "base/error.h"
#include "base/files.h"
#include "base/rocks_files.h"

namespace jejak::base {
namespace {

namespace fs = std::filesystem;

constexpr size_t kBlockSize = 32768;
constexpr size_t kHeaderSize = 7;             // crc (4), length (2), type (1)
constexpr size_t kRecyclableHeaderSize = 11;  // and the log number (4)
enum : uint8_t {
  kZeroType = 0,
  kFullType = 1,
  kFirstType = 2,
  kMiddleType = 3,
  kLastType = 4,
  kRecyclableFullType = 5,
  kRecyclableLastType = 8,
  kSetCompressionType = 9,
};
constexpr uint32_t kMaskDelta = 0xa282ead8u;

uint32_t Fixed32(const char* p) {
  auto b = reinterpret_cast<const unsigned char*>(p);
  return b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<uint32_t>(b[3]) << 24);
}

uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

// Assembles fragments into records, noting damage; a helper of ReadWal.
class Assembler {
 public:
  Assembler(std::string path, const std::function<void(const WalRecord&)>& fn)
      : path_(std::move(path)), fn_(fn) {}

  void Damage(uint64_t offset, const std::string& what) {
    if (!damage_) damage_ = WalDamage{path_, offset, what};
    if (open_ && record_.problem.empty()) {
      record_.problem = fmt::format("{} at offset {}", what, offset);
    }
  }

  // A fragment whose length fits its block; intact unless bad_checksum.
  void Fragment(uint8_t type, std::string_view payload, uint64_t offset, bool bad_checksum) {
    bool full = type == kFullType || type == kRecyclableFullType;
    bool first = type == kFirstType || type == kFirstType + 4;
    bool middle = type == kMiddleType || type == kMiddleType + 4;
    if (full || first) {
      if (open_) {
        Damage(offset, "a record without its last fragment");
        Emit();
      }
      record_ = WalRecord{offset, std::string(payload), ""};
      open_ = true;
      if (bad_checksum) Damage(offset, "checksum mismatch");
      if (full) Emit();
      return;
    }
    if (!open_) {
      Damage(offset,
             bad_checksum ? "checksum mismatch" : "a fragment without the start of its record");
      return;
    }
    if (bad_checksum) Damage(offset, "checksum mismatch");
    record_.data.append(payload);
    if (!middle) Emit();  // the last fragment
  }

  // What follows in the block cannot be read: the open record ends there.
  void Break(uint64_t offset, const std::string& what) {
    Damage(offset, what);
    if (open_) Emit();
  }

  // The file ends: a record still open was being written (a torn tail).
  std::optional<WalDamage> Finish() { return damage_; }

 private:
  void Emit() {
    open_ = false;
    fn_(record_);
    record_ = WalRecord{};
  }

  std::string path_;
  const std::function<void(const WalRecord&)>& fn_;
  WalRecord record_;
  bool open_ = false;
  std::optional<WalDamage> damage_;
};

bool GetVarint32(std::string_view* in, uint32_t* v) {
  uint32_t result = 0;
  for (int shift = 0; shift <= 28 && !in->empty(); shift += 7) {
    auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool GetSlice(std::string_view* in, std::string_view* out) {
  uint32_t n;
  if (!GetVarint32(in, &n) || n > in->size()) return false;
  *out = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

}  // namespace

std::optional<WalDamage> ReadWal(const std::string& path,
                                 const std::function<void(const WalRecord&)>& fn) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw SystemError(fmt::format("cannot read {}", path), errno);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  uint64_t log_number = RocksFileNumber(fs::path(path).filename().string(), ".log");
  Assembler records(path, fn);
  std::string block(kBlockSize, '\0');
  for (uint64_t block_start = 0;; block_start += kBlockSize) {
    size_t n = 0;
    while (n < kBlockSize) {
      ssize_t r = ::read(fd, block.data() + n, kBlockSize - n);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) throw SystemError(fmt::format("cannot read {}", path), errno);
      if (r == 0) break;
      n += static_cast<size_t>(r);
    }
    bool last = n < kBlockSize;  // the file ends in this block
    size_t pos = 0;
    while (pos + kHeaderSize <= n) {
      const char* h = block.data() + pos;
      uint64_t offset = block_start + pos;
      size_t length = static_cast<uint8_t>(h[4]) | (static_cast<uint8_t>(h[5]) << 8);
      auto type = static_cast<uint8_t>(h[6]);
      bool recyclable = type >= kRecyclableFullType && type <= kRecyclableLastType;
      size_t header = recyclable ? kRecyclableHeaderSize : kHeaderSize;
      if (pos + header + length > n) {
        // Cut short by the end of the file: a write in progress. Else the
        // length is damaged.
        if (!last) records.Break(offset, "a record length beyond its block");
        break;
      }
      if (type == kZeroType && length == 0) {
        // Preallocated space: RocksDB skips the rest of the block.
        records.Break(offset, "zeros in the middle of a record");
        break;
      }
      if (recyclable && Fixed32(h + 7) != static_cast<uint32_t>(log_number)) break;  // old
      boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
      crc.process_bytes(h + 6, header - 6);
      crc.process_bytes(h + header, length);
      bool bad = crc.checksum() != Unmask(Fixed32(h));
      std::string_view payload(h + header, length);
      if (type == kSetCompressionType) {
        if (bad) records.Break(offset, "checksum mismatch");
      } else if (type > kRecyclableLastType) {
        records.Break(offset, fmt::format("unknown record type {}", type));
      } else {
        records.Fragment(type, payload, offset, bad);
      }
      pos += header + length;
    }
    if (last) break;
  }
  return records.Finish();
}

std::vector<std::string> WalFiles(const std::string& dir) { return RocksFiles(dir, ".log"); }

std::optional<WalDamage> FindWalDamage(const std::string& dir) {
  for (const auto& path : WalFiles(dir)) {
    if (auto damage = ReadWal(path, [](const WalRecord&) {})) return damage;
  }
  return std::nullopt;
}

bool ForEachPut(std::string_view batch, const std::function<void(const BatchPut&)>& fn) {
  constexpr size_t kBatchHeader = 12;  // sequence (8), count (4)
  if (batch.size() < kBatchHeader) return false;
  batch.remove_prefix(kBatchHeader);
  while (!batch.empty()) {
    auto tag = static_cast<uint8_t>(batch.front());
    batch.remove_prefix(1);
    BatchPut put;
    std::string_view ignored;
    bool ok = true;
    switch (tag) {
      case 0x5:  // a value in a column family
        ok = GetVarint32(&batch, &put.family);
        [[fallthrough]];
      case 0x1:  // a value in "default"
        ok = ok && GetSlice(&batch, &put.key) && GetSlice(&batch, &put.value);
        if (ok) fn(put);
        break;
      case 0x4:  // deletions, in a column family
      case 0x8:
        ok = GetVarint32(&batch, &put.family);
        [[fallthrough]];
      case 0x0:
      case 0x7:
      case 0x3:  // log data
        ok = ok && GetSlice(&batch, &ignored);
        break;
      case 0xE:  // a range deletion, in a column family
        ok = GetVarint32(&batch, &put.family);
        [[fallthrough]];
      case 0xF:
        ok = ok && GetSlice(&batch, &ignored) && GetSlice(&batch, &ignored);
        break;
      case 0xD:  // no-op
        break;
      default:
        return false;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace jejak::base
