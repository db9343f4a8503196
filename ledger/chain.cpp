#include "ledger/chain.h"

namespace jejak::ledger {

Hash ChainHash(uint64_t seq, const Hash& previous, std::string_view entry_bytes) {
  return ChainLink(seq, previous, Sha256Of(entry_bytes));
}

Hash ChainLink(uint64_t seq, const Hash& previous, const Hash& entry_hash) {
  thread_local Sha256 sha;
  char be[8];
  for (int i = 0; i < 8; ++i) be[i] = static_cast<char>(seq >> (56 - 8 * i));
  return sha.Update("jejak-chain-v1")
      .Update(std::string_view(be, 8))
      .Update(previous)
      .Update(entry_hash)
      .Finish();
}

}  // namespace jejak::ledger
