#include "tests/helpers/raw_db.h"

#include <rocksdb/table_properties.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "ledger/layout.h"

namespace jejak::testing {

namespace {

void Check(const rocksdb::Status& s) {
  if (!s.ok()) throw std::runtime_error("RawDb: " + s.ToString());
}

}  // namespace

std::map<std::string, std::string> SnapshotDir(const std::string& dir) {
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

std::vector<std::string> LedgerFamilies() {
  return {rocksdb::kDefaultColumnFamilyName, ledger::layout::kEntries, ledger::layout::kMerkle,
          ledger::layout::kCheckpoints};
}

std::string IndexDir(const std::string& ledger_dir) {
  return ledger_dir + "/" + ledger::layout::kIndexDir;
}
std::vector<std::string> IndexFamilies() {
  return {rocksdb::kDefaultColumnFamilyName, ledger::layout::kByRequest, ledger::layout::kByActor};
}

RawDb::RawDb(const std::string& dir, const std::vector<std::string>& families, bool create) {
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

RawDb::~RawDb() {
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  db_->Close();
}

std::optional<std::string> RawDb::Get(const std::string& family, const std::string& key) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), by_name_.at(family), key, &value);
  if (s.IsNotFound()) return std::nullopt;
  Check(s);
  return value;
}

void RawDb::Put(const std::string& family, const std::string& key, const std::string& value) {
  Check(db_->Put(rocksdb::WriteOptions(), by_name_.at(family), key, value));
}

void RawDb::Delete(const std::string& family, const std::string& key) {
  Check(db_->Delete(rocksdb::WriteOptions(), by_name_.at(family), key));
}

std::vector<std::pair<std::string, std::string>> RawDb::Scan(const std::string& family) {
  std::vector<std::pair<std::string, std::string>> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), by_name_.at(family)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.emplace_back(it->key().ToString(), it->value().ToString());
  }
  Check(it->status());
  return out;
}

size_t RawDb::IngestedFiles(const std::string& family) {
  rocksdb::TablePropertiesCollection tables;
  Check(db_->GetPropertiesOfAllTables(by_name_.at(family), &tables));
  return std::count_if(tables.begin(), tables.end(), [](const auto& t) {
    return t.second->user_collected_properties.count("rocksdb.external_sst_file.version") > 0;
  });
}

std::map<std::string, std::string> DbContents(const std::string& dir) {
  std::vector<std::string> names;
  Check(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names));
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  Check(rocksdb::DB::OpenForReadOnly(rocksdb::Options(), dir, families, &handles, &raw));
  std::unique_ptr<rocksdb::DB> db(raw);
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < handles.size(); ++i) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[i]));
    for (it->SeekToFirst(); it->Valid(); it->Next())
      out[names[i] + "/" + it->key().ToString()] = it->value().ToString();
    Check(it->status());
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  return out;
}

std::string WhereIs(const std::string& root, const std::string& needle) {
  namespace fs = std::filesystem;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().filename() != "CURRENT") continue;
    std::string db = e.path().parent_path().string();
    for (const auto& [key, value] : DbContents(db)) {
      if (key.find(needle) != std::string::npos || value.find(needle) != std::string::npos) {
        return "a record of the database " + db;
      }
    }
  }
  std::string file = FileHolding(root, needle);
  return file.empty() ? "" : "the file " + file;
}

std::string FileHolding(const std::string& root, const std::string& needle) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (content.find(needle) != std::string::npos) return e.path().string();
  }
  return "";
}

std::vector<std::string> LedgerTables(const std::string& dir, const std::string& family) {
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

}  // namespace jejak::testing
