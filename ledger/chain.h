// The hash chain (docs/FORMAT.md, "Hash chain v1"):
//   chain[i] = SHA-256("jejak-chain-v1" || be64(i) || chain[i-1] || SHA-256(bytes_i))
// with chain[-1] = 32 zero bytes. Each link binds an entry's position, its
// bytes and everything before it.
#pragma once

#include <cstdint>
#include <string_view>

#include "ledger/hash.h"

namespace jejak::ledger {

inline constexpr Hash kGenesisChain{};  // chain[-1]

Hash ChainHash(uint64_t seq, const Hash& previous, std::string_view entry_bytes);
// The same from entry_hash = SHA-256(entry_bytes), which, unlike the link,
// can be computed before the entry's position is known.
Hash ChainLink(uint64_t seq, const Hash& previous, const Hash& entry_hash);

}  // namespace jejak::ledger
