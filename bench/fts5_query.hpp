#pragma once

#include <optional>
#include <string>
#include <string_view>

/// The same logical question for SQLite FTS5: revsearch query syntax translated to an FTS5
/// MATCH expression plus SQL conditions on UNINDEXED columns.
namespace revsearch::bench {

/// An inclusive range; an absent end is open.
template <typename T>
struct Range {
    std::optional<T> lo;
    std::optional<T> hi;
};

/// One query as FTS5 runs it.
struct Fts5Query {
    std::string match;                           ///< the FTS5 MATCH expression
    std::optional<Range<double>> rating;         ///< `rating BETWEEN lo AND hi`
    std::optional<Range<std::string>> date_key;  ///< on the date_key column (common/date.hpp keys)
};

/// Translates the subset of revsearch's query syntax that the benchmark's query sets use:
///  - words and "quoted phrases" search the default field, title and body, as revsearch does
///    (`{title body} : ...`); a hyphenated word is a phrase in both engines; `word*` is a prefix
///    query (revsearch expands it over stems, FTS5 over its porter tokens);
///  - `title:`, `body:`, `reviewer:`, `product:` become FTS5 column filters (`reviewer : "x"`);
///  - the boolean filters `topic:`, `category:` and `by:` become column filters on the topic,
///    category and reviewer columns, ANDed with the rest as revsearch applies boolean filters
///    whatever the default operator (several values of one field are ORed, as Xapian's
///    QueryParser does);
///  - `rating:A..B` and `date:A..B` (either end may be open, dates may be partial) become SQL
///    conditions; partial dates follow common/date.hpp's rule, as revsearch's range processor
///    does; a single `date:2016` or `rating:4` is the range from it to itself;
///  - upper-case AND, OR and NOT are kept as operators; otherwise words are joined by AND when
///    `default_and`, else by OR.
/// Every word is quoted, so FTS5 never reads text as syntax. Throws UsageError for syntax
/// outside that subset (+/-, parentheses, unknown fields, a query with no words at all).
/// Thread-safe.
[[nodiscard]] Fts5Query translate_to_fts5(std::string_view query, bool default_and);

/// Quotes text as an FTS5 string (a phrase after tokenization): `"` doubled, wrapped in `"`.
[[nodiscard]] std::string fts5_quote(std::string_view text);

}  // namespace revsearch::bench
