#pragma once

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

/// Prints a result list. Text: a numbered block per hit and a count line. Json: one object per
/// hit per line with rank, score, id, title, reviewer, date, rating, rating_scale, topics,
/// category, product, url and snippet, then, when facets were asked for or the result has
/// warnings, one object with estimated, facets, suggestion and warnings. Trec: `qid Q0 docid
/// rank score tag` lines. Text and Trec leave warnings to the caller (stderr).
void print_results(std::ostream& out, const SearchResult& result, const PrintOptions& options);

/// Prints a whole review (the REPL's :show), with query words marked by `highlighter` if given.
void print_review(std::ostream& out, const Review& review, const PrintOptions& options,
                  const Highlighter* highlighter);

/// Formats a score or rating compactly ("4", "4.5", "12.3456").
[[nodiscard]] std::string format_number(double value, int max_decimals);

}  // namespace revsearch::query
