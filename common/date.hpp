#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

/// Dates as reviews carry them: often partial ("2016", "November 2015"), in many spellings.
///
/// The canonical form is ISO 8601 with optional month and day: `YYYY`, `YYYY-MM` or
/// `YYYY-MM-DD`. For sorting and ranges a date becomes an 8-digit key `YYYYMMDD` in which a
/// missing month or day is `00`. So a partial date sorts *at the start of its period*, before
/// every full date inside it, and a range matches it when the range contains that start.
/// Range bounds follow the same idea from the other side: a partial lower bound begins its
/// period (`2015` -> 20150000) and a partial upper bound ends it (`2016-06` -> 20160630).
namespace revsearch::date {

/// Parses a date written as ISO (`2016-05-17`, `2016-05`, `2016`, `2016/05/17`, an ISO
/// timestamp), as `17 May 2016`, `May 17, 2016`, `July 1, 2006`, `May 2016` or `November
/// 2015`, and returns the canonical partial ISO form. Returns nullopt when the text is not a
/// date or names an impossible one (month 13, 31 April). Thread-safe.
[[nodiscard]] std::optional<std::string> parse(std::string_view text);

/// Converts seconds since the Unix epoch (UTC) to `YYYY-MM-DD`.
[[nodiscard]] std::string from_unix_time(std::int64_t seconds);

/// The 8-digit sort key of a canonical date (see the namespace comment). REQUIRES: `iso` is
/// canonical, as returned by parse().
[[nodiscard]] std::string sort_key(std::string_view iso);

/// The smallest key a range starting at `iso` accepts. REQUIRES: canonical `iso`.
[[nodiscard]] std::string lower_bound_key(std::string_view iso);

/// The largest key a range ending at `iso` accepts: the last day of its period.
/// REQUIRES: canonical `iso`.
[[nodiscard]] std::string upper_bound_key(std::string_view iso);

/// The year of a canonical date.
[[nodiscard]] std::string year(std::string_view iso);

}  // namespace revsearch::date
