#include "witness/add_checkpoint.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>

#include "base/base64.h"

namespace jejak::witness {

std::string FormatAddCheckpoint(const AddCheckpointRequest& request) {
  std::string out = fmt::format("old {}\n", request.old_size);
  for (const ledger::Hash& h : request.proof) {
    out += base::Base64Encode(ledger::AsBytes(h));
    out += '\n';
  }
  out += '\n';
  out += request.checkpoint;
  return out;
}

std::optional<AddCheckpointRequest> ParseAddCheckpoint(std::string_view body,
                                                       std::string* problem) {
  auto fail = [&](std::string why) {
    *problem = std::move(why);
    return std::nullopt;
  };
  auto next_line = [&](std::string_view* line) {
    size_t nl = body.find('\n');
    if (nl == std::string_view::npos) return false;
    *line = body.substr(0, nl);
    body.remove_prefix(nl + 1);
    return true;
  };
  AddCheckpointRequest r;
  std::string_view line;
  if (!next_line(&line) || !line.starts_with("old ")) {
    return fail("the body must start with a line \"old <size>\"");
  }
  std::string_view size = line.substr(4);
  auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), r.old_size);
  if (ec != std::errc() || end != size.data() + size.size() || size.empty() ||
      (size.size() > 1 && size[0] == '0')) {
    return fail("the old size is not a decimal number without leading zeros");
  }
  for (;;) {
    if (!next_line(&line)) return fail("the proof lines must end in an empty line");
    if (line.empty()) break;
    std::string raw;
    if (!base::Base64Decode(line, &raw) || raw.size() != 32) {
      return fail(
          fmt::format("proof line {} is not the base64 of a 32-byte hash", r.proof.size() + 1));
    }
    if (r.proof.size() == kMaxProofLines) {
      return fail(fmt::format("more than {} proof lines", kMaxProofLines));
    }
    ledger::Hash h;
    std::memcpy(h.data(), raw.data(), 32);
    r.proof.push_back(h);
  }
  if (body.empty()) return fail("no checkpoint follows the proof");
  r.checkpoint = std::string(body);
  return r;
}

}  // namespace jejak::witness
