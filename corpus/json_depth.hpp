#pragma once

#include <cstddef>
#include <string_view>

/// A bound on the nesting of JSON records, checked before any JSON library reads one: a review
/// is an object of strings, numbers and small arrays, while nlohmann's dump() and comparisons
/// recurse once per level, so a line nested 100,000 deep would overflow the stack (issue 22).
namespace revsearch::corpus {

/// The deepest nesting of arrays and objects a JSON record may have. The record's object is
/// level 1, so its values may nest 63 more: room for any real record's extra fields.
inline constexpr std::size_t kMaxJsonDepth = 64;

/// The deepest nesting of `[` and `{` in the JSON text `s`, brackets inside strings not counted,
/// found in one pass without recursion. Stops counting at `limit + 1`, so a result above `limit`
/// means "too deep". Does not check that `s` is valid JSON.
[[nodiscard]] std::size_t json_nesting_depth(std::string_view s, std::size_t limit) noexcept;

/// The reject reason of a record nested deeper than kMaxJsonDepth.
inline constexpr std::string_view kJsonTooDeep = "JSON nested deeper than 64 levels";

}  // namespace revsearch::corpus
