// The body of a C2SP tlog-witness add-checkpoint request
// (c2sp.org/tlog-witness, docs/FORMAT.md "Witnesses"):
//   old <size>\n
//   <base64 hash>\n            zero to 63 consistency proof lines
//   \n
//   <signed checkpoint note>
// Both the witness (parsing) and the log (formatting) use it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/hash.h"

namespace jejak::witness {

struct AddCheckpointRequest {
  uint64_t old_size = 0;
  std::vector<ledger::Hash> proof;
  std::string checkpoint;  // the whole note, signatures included
};

inline constexpr size_t kMaxProofLines = 63;

std::string FormatAddCheckpoint(const AddCheckpointRequest& request);
// nullopt, with *problem, if body is not such a request (the witness
// answers 400).
std::optional<AddCheckpointRequest> ParseAddCheckpoint(std::string_view body, std::string* problem);

}  // namespace jejak::witness
