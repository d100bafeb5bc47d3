#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Boolean terms that make date and rating ranges unions of posting lists.
///
/// A value range (Xapian's OP_VALUE_RANGE) reads the slot's value of every document of the
/// index, whatever the range selects: on 1M reviews `date:2013..2014` took 38 ms to count,
/// and such ranges set the tail of the benchmark's latencies. An index built with range
/// terms (AnalyzerSettings::range_terms) also gives each review, as Omega does, a year term
/// (schema::kYearPrefix + YYYY), a month term (kMonthPrefix + YYYYMM) and a day term
/// (kDayPrefix + YYYYMMDD) of its date's sort key (common/date.hpp: a partial date has 00 for
/// the missing month or day, so it falls where the value range puts it), and a rating term
/// (kRatingPrefix + the normalised rating, schema::normalised_rating(), as the shortest
/// decimal that reads back as it). A range is
/// then the OR of the fewest such terms that cover it: the same documents as the value range.
namespace revsearch::range_terms {

/// The year, month and day terms of a review whose date has this 8-digit sort key.
/// REQUIRES: `sort_key` is date::sort_key() of a canonical date.
[[nodiscard]] std::vector<std::string> date_terms(std::string_view sort_key);

/// The fewest year, month and day terms whose keys are exactly those from `lo` to `hi`
/// (8-digit keys, both included): whole years as year terms, whole months as month terms,
/// the keys left over as day terms. Empty when lo > hi. REQUIRES: both are 8 digits.
[[nodiscard]] std::vector<std::string> date_range_terms(std::string_view lo, std::string_view hi);

/// The term of a rating.
[[nodiscard]] std::string rating_term(double rating);

/// The rating a rating term names, or nullopt for another term.
[[nodiscard]] std::optional<double> rating_of_term(std::string_view term);

}  // namespace revsearch::range_terms
