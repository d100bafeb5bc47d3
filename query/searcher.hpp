#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "common/analyzer.hpp"
#include "common/review.hpp"
#include "common/types.hpp"
#include "query/query_builder.hpp"

namespace revsearch::query {

enum class SortOrder { Relevance, Date, Rating };

/// Parses "relevance", "date", "rating". Throws UsageError otherwise.
[[nodiscard]] SortOrder parse_sort(std::string_view name);

/// BM25 parameters (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and
/// Beyond", 2009). The defaults are Xapian's BM25Weight defaults.
struct Bm25Params {
    double k1 = 1.0;
    double b = 0.5;
};

/// One question to the index.
struct SearchRequest {
    std::string query;
    ParseMode parse = ParseMode::Syntax;
    bool default_and = false;
    std::size_t offset = 0;
    std::size_t k = 10;
    SortOrder sort = SortOrder::Relevance;
    Bm25Params bm25;
    bool snippets = true;
    std::size_t snippet_chars = 240;
};

/// One ranked review.
struct Hit {
    std::size_t rank = 0;  ///< 1-based, counting from the first result (offset included)
    Score score = 0;
    Review review;
    std::string snippet;   ///< marked with kMarkStart/kMarkEnd; render() prints it
};

struct SearchResult {
    std::vector<Hit> hits;
    Xapian::doccount estimated = 0;  ///< Xapian's estimate of all matches
    std::vector<std::string> terms;  ///< analysed terms to highlight
};

/// Answers queries against one database (or a stub listing several). Reads the analyzer the
/// index was built with from its metadata. Ranked results break score ties by the review's
/// external id, never by docid, so shards and compaction do not reorder them. When a writer
/// commits underneath, the searcher reopens and retries. Not thread-safe: one per thread.
class Searcher {
public:
    /// Opens read-only. Throws IndexError if there is no readable database at `path`.
    explicit Searcher(const std::string& path);

    /// Runs a request. Throws QueryError for a malformed query, IndexError if the database
    /// fails.
    [[nodiscard]] SearchResult search(const SearchRequest& request);

    /// The review with this id, or nullopt.
    [[nodiscard]] std::optional<Review> fetch(const std::string& id);

    /// A highlighter for the terms of a result.
    [[nodiscard]] const Analyzer& analyzer() const noexcept { return analyzer_; }

    [[nodiscard]] Xapian::doccount doc_count() const;
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] const Xapian::Database& database() const noexcept { return db_; }

private:
    [[nodiscard]] SearchResult search_once(const SearchRequest& request);

    std::string path_;
    Xapian::Database db_;
    Analyzer analyzer_;
    QueryBuilder builder_;
};

}  // namespace revsearch::query
