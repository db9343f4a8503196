// The key store: subjects found by external id without storing it, keys
// wrapped by the KEK, and erasure that leaves no copy in the files.
#include "privacy/key_store.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "base/random.h"
#include "tests/helpers/raw_db.h"
#include "tests/testutil.h"

namespace jejak::privacy {
namespace {

using base::Error;
using base::ErrorCode;
namespace fs = std::filesystem;

// The store's table file or log in dir whose raw bytes hold needle, or
// empty: where a purge must have left no erased record.
std::string TableOrLogHolding(const std::string& dir, const std::string& needle) {
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string ext = e.path().extension().string();
    if (ext != ".sst" && ext != ".log") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (content.find(needle) != std::string::npos) return e.path().string();
  }
  return "";
}

TEST_CASE("subjects are found by external id, which the store never holds") {
  testing::TempDir dir;
  auto kek = KeyEncryptionKey::FromBytes(base::RandomBytes(32));
  std::string key;
  std::string id;
  {
    auto store = KeyStore::Open(dir.Sub("keys"), kek);
    CHECK_FALSE(store->Find("3273010101900001"));
    NewSubject s = store->MakeSubject("3273010101900001");
    CHECK(KeyStore::IsSubjectId(s.id));
    CHECK_FALSE(store->Find("3273010101900001"));  // not stored yet
    store->Store({s});
    CHECK(store->Find("3273010101900001") == s.id);
    CHECK_FALSE(store->Find("3273010101900002"));
    CHECK(store->DataKey(s.id) == s.data_key);
    CHECK_FALSE(store->DataKey("subj-00000000000000000000000000000000"));
    key = s.data_key;
    id = s.id;
  }
  CHECK(testing::FileHolding(dir.path(), "3273010101900001") == "");
  CHECK(testing::FileHolding(dir.path(), key) == "");
  // Reopened, with the same KEK: the same subject and key.
  auto store = KeyStore::Open(dir.Sub("keys"), kek);
  CHECK(store->Find("3273010101900001") == id);
  CHECK(store->DataKey(id) == key);
}

TEST_CASE("the key store opens only with its own key-encryption key") {
  testing::TempDir dir;
  KeyStore::Open(dir.Sub("keys"), KeyEncryptionKey::FromBytes(base::RandomBytes(32)));
  try {
    KeyStore::Open(dir.Sub("keys"), KeyEncryptionKey::FromBytes(base::RandomBytes(32)));
    FAIL("opened with another KEK");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kPermissionDenied);
  }
}

TEST_CASE("a read-only key store works beside the writer") {
  testing::TempDir dir;
  auto kek = KeyEncryptionKey::FromBytes(base::RandomBytes(32));
  try {
    KeyStore::Open(dir.Sub("keys"), kek, {.read_only = true});
    FAIL("opened a missing store read-only");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
  }
  auto writer = KeyStore::Open(dir.Sub("keys"), kek);
  NewSubject s = writer->MakeSubject("3273010101900001");
  writer->Store({s});
  auto reader = KeyStore::Open(dir.Sub("keys"), kek, {.read_only = true});
  CHECK(reader->Find("3273010101900001") == s.id);
  CHECK(reader->DataKey(s.id) == s.data_key);
  CHECK_THROWS_AS(reader->Erase(s.id), Error);
  try {
    KeyStore::Open(dir.Sub("keys"), kek);
    FAIL("a second writer opened");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kBusy);
  }
}

TEST_CASE("erasure destroys a subject's key and leaves no copy in any file") {
  testing::TempDir dir;
  auto kek = KeyEncryptionKey::FromBytes(base::RandomBytes(32));
  auto store = KeyStore::Open(dir.Sub("keys"), kek);
  NewSubject gone = store->MakeSubject("3273010101900001");
  NewSubject kept = store->MakeSubject("3273010101900002");
  store->Store({gone, kept});
  CHECK(testing::FileHolding(dir.path(), "k/" + gone.id) != "");  // the record, before
  CHECK(store->Erase(gone.id));
  CHECK_FALSE(store->Erase(gone.id));  // nothing left to erase
  CHECK(store->PurgePending());
  CHECK_FALSE(store->DataKey(gone.id));
  CHECK_FALSE(store->Find("3273010101900001"));
  PurgeResult r = store->Purge({gone.id});
  CHECK(r.files_checked > 0);
  CHECK_FALSE(store->PurgePending());
  CHECK(TableOrLogHolding(dir.Sub("keys"), "k/" + gone.id) == "");
  CHECK(TableOrLogHolding(dir.Sub("keys"), gone.lookup) == "");
  // The other subject is whole.
  CHECK(store->DataKey(kept.id) == kept.data_key);
  CHECK(store->Find("3273010101900002") == kept.id);
}

TEST_CASE("an erased subject who returns gets a new subject and erasing the old keeps the new") {
  testing::TempDir dir;
  auto kek = KeyEncryptionKey::FromBytes(base::RandomBytes(32));
  auto store = KeyStore::Open(dir.Sub("keys"), kek);
  NewSubject first = store->MakeSubject("3273010101900001");
  store->Store({first});
  NewSubject second = store->MakeSubject("3273010101900001");
  store->Store({second});
  CHECK(store->Find("3273010101900001") == second.id);
  CHECK(store->Erase(first.id));
  CHECK(store->Find("3273010101900001") == second.id);
  CHECK(store->DataKey(second.id) == second.data_key);
}

TEST_CASE("a purge interrupted by a crash is still pending when the store opens again") {
  testing::TempDir dir;
  auto kek = KeyEncryptionKey::FromBytes(base::RandomBytes(32));
  std::string id;
  {
    auto store = KeyStore::Open(dir.Sub("keys"), kek);
    NewSubject s = store->MakeSubject("3273010101900001");
    store->Store({s});
    store->Erase(s.id);
    id = s.id;
  }  // no Purge()
  auto store = KeyStore::Open(dir.Sub("keys"), kek);
  CHECK(store->PurgePending());
  store->Purge({id});
  CHECK_FALSE(store->PurgePending());
  CHECK(TableOrLogHolding(dir.Sub("keys"), "k/" + id) == "");
}

}  // namespace
}  // namespace jejak::privacy
