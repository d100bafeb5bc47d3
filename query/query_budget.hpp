#pragma once

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

/// What one query may cost, and the rewrite that keeps it there.
///
/// Xapian cannot stop a match once it has started, so a query's cost is bounded before: after
/// parsing, the query's words, phrases, nesting and wildcards are counted against a budget, and
/// the postings the match may read are added up from the index's term frequencies. The same
/// budget serves the command line, the REPL, batch runs and the server (README, "Query cost").
namespace revsearch::query {

/// The limits of one query. The defaults were set on the 1M-review benchmark index so that no
/// query within them takes more than a second there (bench/RESULTS.md, "Query cost budget").
struct QueryBudget {
    /// Longest query text, in bytes (the server's --max-query-bytes).
    std::size_t max_query_bytes = 1024;
    /// Most terms in the parsed query before wildcards are expanded, each field counted: a word
    /// of the default field searches the body and the title, so it counts twice.
    std::size_t max_terms = 1024;
    /// Most words in one phrase or NEAR.
    std::size_t max_phrase_words = 32;
    /// Deepest nesting of the parsed query (brackets, operators, fields).
    std::size_t max_depth = 64;
    /// Most index terms all the query's wildcards together may expand to. A pattern that occurs
    /// more than once is expanded once.
    std::size_t max_wildcard_terms = 1000;
    /// Most postings the match may read: the sum of the term frequencies of every term of the
    /// query, wildcards expanded, each occurrence counted.
    std::uint64_t max_postings = 20'000'000;
};

/// Throws QueryError when `text` is longer than `budget.max_query_bytes`.
void check_query_length(std::string_view text, const QueryBudget& budget);

/// `parsed` (a QueryParser's query over `db`) within `budget`:
/// - repeats of a subquery holding a wildcard under the same operator are searched once;
/// - each wildcard pattern is looked up in `db`'s terms and keeps its most frequent terms
///   (Xapian's WILDCARD_LIMIT_MOST_FREQUENT); when the patterns together expand to more than
///   max_wildcard_terms terms, or to more postings than the plain terms leave of max_postings,
///   each pattern keeps an equal share (a pattern needing less than its share leaves the rest
///   to the others) and a notice names the patterns cut short.
/// The wildcards stay Xapian's OP_WILDCARD, each with its share as its expansion limit, so
/// within the budget the query matches and weighs exactly as `parsed` does.
///
/// Throws QueryError, naming the limit and the option that sets it, for more terms, phrase
/// words or nesting than the budget allows, or for plain terms whose postings alone exceed
/// max_postings. Throws Xapian::Error if the database fails. `notices` gets one line per
/// pattern cut short; they hold only the query's own words, so they may be shown to anyone.
[[nodiscard]] Xapian::Query apply_budget(const Xapian::Query& parsed, const Xapian::Database& db,
                                         const QueryBudget& budget,
                                         std::vector<std::string>& notices);

}  // namespace revsearch::query
