// Sample events and commands with realistic content.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "events/event.h"
#include "privacy/kek.h"

namespace jejak::testing {

// A realistic event with fixed id and time, different for each n.
events::Event SampleEvent(uint64_t n, std::string request_id = "");
// SampleEvent(n, request_id), encoded: what a ledger entry holds.
std::string SampleEventBytes(uint64_t n, std::string request_id = "");

// An event with a field of every type, idempotency, causation and
// correlation ids, and non-ASCII text: for encoding round trips.
events::Event EventWithEveryFieldType();

// `jejak submit` arguments for a valid OSS licence application by nik (the
// example workflow examples/workflows/oss-izin-usaha.yaml).
std::vector<std::string> OssSubmitArgs(const std::string& nik);

// The key-encryption key of tests' engines: fixed, so that a reopened
// engine (or another process given TestKekFile()) reads the same keys.
std::shared_ptr<const privacy::KeyEncryptionKey> TestKek();
// TestKek() in a file (created once per process, outside any data directory).
std::string TestKekFile();

}  // namespace jejak::testing
