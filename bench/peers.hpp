#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "bench/fts5_query.hpp"
#include "bench/measure.hpp"

/// bench/peers: revsearch against SQLite FTS5 on the same corpus and the same queries, in one
/// invocation, with one table of every figure and its ratio revsearch/FTS5.
namespace revsearch::bench {

/// What to compare. Filled by the command line or by tests.
struct PeersOptions {
    std::string corpus;                  ///< canonical JSONL (bench/make-corpus output)
    std::string queries_file;            ///< one revsearch query per line (bench/queries.txt)
    std::string workdir = "bench-work";  ///< indexes and per-query results go here
    std::size_t limit = 0;               ///< use the first N queries (0: all)
    std::optional<unsigned> threads;     ///< revsearch indexing threads (default: the library's)
    bool default_and = true;             ///< words joined by AND (false: OR, ranked)
    std::size_t k = 10;                  ///< the interactive case: top k with snippets
    std::size_t batch_k = 1000;          ///< the batch case: top k without snippets
    bool baseline = true;                ///< also time reading the corpus without indexing
    bool fts5_optimize = true;           ///< run FTS5's 'optimize' (timed, part of its build)
    bool fts5_order_by_rank = true;      ///< see Fts5SearchOptions::order_by_rank
    bool skip_build = false;             ///< reuse the indexes already in the workdir
    /// The batch case asks both engines for ids and scores only, as a TREC run does
    /// (revsearch: SearchRequest::ids_only; FTS5: SELECT id). False: every hit's record too
    /// (revsearch decodes its stored review; FTS5 selects id, title, reviewer, date, rating).
    bool batch_ids_only = true;
};

/// One logical query: revsearch's text and its FTS5 translation.
struct BenchQuery {
    std::string text;
    Fts5Query fts5;
};

/// Reads a query file: one query per line; blank lines and lines starting with '#' are skipped.
/// Translates each to FTS5 (translate_to_fts5). Keeps the first `limit` (0: all). Throws
/// UsageError naming the line of a query that cannot be translated, CorpusError if the file
/// cannot be read.
[[nodiscard]] std::vector<BenchQuery> load_queries(const std::string& path, std::size_t limit,
                                                   bool default_and);

/// Runs the whole comparison: times the builds of both indexes, each in its own child process
/// (PhaseResult), measures their size, then runs every query on both after a warm-up pass,
/// timed one by one, top `k` with snippets and top `batch_k` without. Writes the table and one
/// `metric name=value` line per figure to `out`, progress to `err`. Returns 0, or 1 when a
/// phase failed (the table then shows what was measured). Throws UsageError for bad options.
[[nodiscard]] int run_peers(const PeersOptions& options, std::ostream& out, std::ostream& err);

/// Parses `revsearch-bench-peers` arguments. Returns nullopt when --help was printed.
/// Throws UsageError for a bad command line.
[[nodiscard]] std::optional<PeersOptions> parse_peers_args(int argc, const char* const* argv,
                                                           std::ostream& out);

/// `revsearch-bench-peers`: the whole program. Returns 0, 1 (error) or 2 (usage). Never throws.
[[nodiscard]] int peers_main(int argc, const char* const* argv, std::ostream& out,
                             std::ostream& err);

}  // namespace revsearch::bench
