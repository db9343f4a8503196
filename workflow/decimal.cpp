#include "workflow/decimal.h"

#include <string_view>

namespace jejak::workflow {
namespace {

// Compares magnitudes of canonical non-negative decimals: no leading zeros
// in the whole part, no trailing zeros in the fraction.
int CompareMagnitude(std::string_view a, std::string_view b) {
  size_t da = a.find('.'), db = b.find('.');
  std::string_view wa = a.substr(0, da), wb = b.substr(0, db);
  if (wa.size() != wb.size()) return wa.size() < wb.size() ? -1 : 1;
  if (int c = wa.compare(wb); c != 0) return c < 0 ? -1 : 1;
  std::string_view fa = da == std::string_view::npos ? "" : a.substr(da + 1);
  std::string_view fb = db == std::string_view::npos ? "" : b.substr(db + 1);
  // Lexicographic order of fractions is numeric order once the shorter one
  // is thought of as padded with zeros, which compare() does by length.
  int c = fa.compare(fb);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

int CompareDecimal(std::string_view a, std::string_view b) {
  bool na = !a.empty() && a[0] == '-';
  bool nb = !b.empty() && b[0] == '-';
  if (na != nb) return na ? -1 : 1;
  int c = CompareMagnitude(na ? a.substr(1) : a, nb ? b.substr(1) : b);
  return na ? -c : c;
}

}  // namespace jejak::workflow
