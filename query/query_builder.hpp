#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "common/analyzer.hpp"

namespace revsearch::query {

/// How query text is read.
enum class ParseMode {
    Syntax,  ///< Xapian QueryParser syntax with the schema's fields (README: "Query syntax")
    Plain,   ///< words only: punctuation and operators are just text (for test collections)
};

/// Turns query text into a Xapian::Query by the schema, with the index's own analyzer, so
/// query terms are exactly the terms the indexer wrote. Not thread-safe: one per thread.
class QueryBuilder {
public:
    /// `analyzer` and `db` must outlive the builder (the db gives wildcard expansion).
    QueryBuilder(const Analyzer& analyzer, const Xapian::Database& db);

    /// Parses `text`. Throws QueryError ("bad query: ...") for malformed syntax or an invalid
    /// range. Empty text gives an empty query, which matches nothing.
    [[nodiscard]] Xapian::Query parse(std::string_view text, ParseMode mode = ParseMode::Syntax);

    /// Makes terms without an operator all required (AND) instead of any (OR, the default).
    void set_default_and(bool on);

private:
    void configure();

    const Analyzer& analyzer_;
    Xapian::QueryParser parser_;
    bool default_and_ = false;
};

/// The query terms a snippet should highlight: the analysed words of the text fields, with
/// their field prefixes taken off. Boolean filter terms are left out.
[[nodiscard]] std::vector<std::string> highlight_terms(const Xapian::Query& query);

}  // namespace revsearch::query
