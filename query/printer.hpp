#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "query/highlighter.hpp"
#include "query/searcher.hpp"

namespace revsearch::query {

enum class OutputFormat { Text, Json, Trec };

/// Parses "text", "json", "trec". Throws UsageError otherwise.
[[nodiscard]] OutputFormat parse_output_format(std::string_view name);

struct PrintOptions {
    OutputFormat format = OutputFormat::Text;
    Highlight highlight = Highlight::Plain;
    bool color = false;               ///< ANSI colour for text headers (terminals only)
    std::string qid = "1";            ///< TREC query id
    std::string run_tag = "revsearch";  ///< TREC run tag
};

/// Prints a result list. Text: a numbered block per hit and a count line (format_count()).
/// Json: one object per hit per line (json_output.hpp: hit_json()), then always one summary
/// object (summary_json(): the total, the suggestion, facets, warnings). Trec: `qid Q0 docid
/// rank score tag` lines. Text and Trec leave warnings and notices to the caller (stderr).
void print_results(std::ostream& out, const SearchResult& result, const PrintOptions& options);

/// Prints a whole review (the REPL's :show), with query words marked by `highlighter` if given.
void print_review(std::ostream& out, const Review& review, const PrintOptions& options,
                  const Highlighter* highlighter);

/// A match count as text: "4,269" when exact, otherwise worded as an estimate with Xapian's
/// bounds: "an estimated 52,311 (at least 10,000, at most 98,000)".
[[nodiscard]] std::string format_count(const MatchCount& total);

/// `n` with thousands separated by commas: "1,000,000".
[[nodiscard]] std::string with_thousands(std::uint64_t n);

/// Formats a score or rating compactly ("4", "4.5", "12.3456").
[[nodiscard]] std::string format_number(double value, int max_decimals);

}  // namespace revsearch::query
