#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/fts5_query.hpp"

struct sqlite3;
struct sqlite3_stmt;

/// SQLite FTS5 as the benchmark's peer: the same reviews in one FTS5 table with the same
/// fields, and the same logical queries.
namespace revsearch::bench {

/// The FTS5 table. Text columns are indexed with the 'porter unicode61' tokenizer; id, dates
/// and ratings are UNINDEXED (stored, filterable by SQL). The body is stored, for snippet().
/// `topic` holds the review's topics, one per line, tagged by the same lexicon revsearch-index
/// uses, so `topic:` means the same in both engines.
inline constexpr const char* kFts5Schema =
    "CREATE VIRTUAL TABLE fts USING fts5(title, body, reviewer, product, category, topic, "
    "id UNINDEXED, date UNINDEXED, date_key UNINDEXED, rating UNINDEXED, "
    "rating_scale UNINDEXED, tokenize='porter unicode61')";

/// The bm25() column weights, in column order. All 1, as revsearch weighs every field 1 unless
/// told otherwise (SearchRequest::field_weights).
inline constexpr const char* kFts5Weights = "1.0, 1.0, 1.0, 1.0, 1.0, 1.0";

/// How the FTS5 index is built.
struct Fts5BuildOptions {
    std::string corpus;                   ///< a canonical JSONL file
    std::string db_path;                  ///< the SQLite file to create (replaced if present)
    std::uint64_t batch_records = 10000;  ///< rows per transaction (revsearch's default batch)
    bool optimize = true;                 ///< merge the b-trees at the end ('optimize' command)
    bool tag_topics = true;               ///< fill the topic column with the built-in lexicon
};

/// What a build did.
struct Fts5BuildStats {
    std::uint64_t reviews = 0;
    std::uint64_t rejected = 0;
    double optimize_seconds = 0;
};

/// Reads the corpus with revsearch's JSONL reader (the parser revsearch-index uses), tags
/// topics, and inserts every review into a new FTS5 table in `batch_records` transactions,
/// then optionally runs FTS5's 'optimize'. SQLite's defaults otherwise (rollback journal,
/// synchronous=FULL), as revsearch commits durably too. Throws revsearch::Error on any SQLite
/// or input failure.
[[nodiscard]] Fts5BuildStats build_fts5(const Fts5BuildOptions& options);

/// One FTS5 result.
struct Fts5Hit {
    std::string id;
    std::string title;
    std::string snippet;  ///< marked with \x01 and \x02, as revsearch's raw snippets are
};

/// How results are ranked and cut.
struct Fts5SearchOptions {
    std::size_t k = 10;
    bool snippets = true;
    int snippet_tokens = 40;  ///< FTS5 counts tokens; ~240 bytes of English, revsearch's default
    /// true: `rank MATCH 'bm25(weights)' ORDER BY rank`, which FTS5 sorts itself, so SQLite
    /// evaluates the result columns (snippet() among them) for the k rows returned only;
    /// false: `ORDER BY bm25(fts, weights)`, which SQLite's sorter orders after evaluating the
    /// result columns of every match (about 20% slower at p50 on the bench corpus).
    bool order_by_rank = true;
    /// Select the id only (a TREC run's batch case), not title, reviewer, date and rating.
    /// Implies no snippets.
    bool ids_only = false;
};

/// Runs queries against an FTS5 index. Not thread-safe: one per thread.
class Fts5Searcher {
public:
    /// Opens read-only. Throws revsearch::Error if it cannot.
    explicit Fts5Searcher(const std::string& db_path);
    ~Fts5Searcher();
    Fts5Searcher(const Fts5Searcher&) = delete;
    Fts5Searcher& operator=(const Fts5Searcher&) = delete;

    /// The top results of `query` with their id, title, reviewer, date and rating, and a
    /// snippet of the body. Throws revsearch::Error when SQLite refuses the query.
    [[nodiscard]] std::vector<Fts5Hit> search(const Fts5Query& query,
                                              const Fts5SearchOptions& options);

private:
    struct Statements;  // prepared statements, cached per SQL text as an application would

    sqlite3* db_ = nullptr;
    std::unique_ptr<Statements> statements_;
};

}  // namespace revsearch::bench
