// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/quote.hpp"

#include <fmt/format.h>

namespace lbd {

std::string quote_value(std::string_view value) {
  if (value.size() <= max_quoted_chars) return fmt::format("'{}'", value);
  std::size_t cut = max_quoted_chars;
  // Back up over UTF-8 continuation bytes (10xxxxxx) to the start of a character.
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0U) == 0x80U) --cut;
  return fmt::format("'{}…' ({} bytes)", value.substr(0, cut), value.size());
}

}  // namespace lbd
