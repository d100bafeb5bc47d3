#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "query/searcher.hpp"

/// bench/measure-queries: revsearch's query side alone, on an index that already exists. The
/// same query set and the same timing as bench/peers, without building anything and without
/// the peer, so one case can be profiled (callgrind, perf) or compared between two builds.
namespace revsearch::bench {

/// One query workload.
struct MeasureQueriesOptions {
    std::string db;            ///< a revsearch index (bench/peers puts one in WORKDIR/revsearch.db)
    std::string queries_file;  ///< one revsearch query per line (bench/queries.txt)
    std::size_t limit = 0;     ///< use the first N queries (0: all)
    bool default_and = true;   ///< words joined by AND, as bench/peers does by default
    std::size_t k = 10;        ///< results per query
    bool snippets = true;      ///< make snippets (the interactive case)
    bool ids_only = false;     ///< SearchRequest::ids_only (the batch case of a TREC run)
    std::string sort = "relevance";  ///< relevance, date or rating
    std::size_t warmup = 1;          ///< untimed passes over every query first
    std::size_t passes = 1;          ///< timed passes; each query's latency is its median pass
    std::string dump;                ///< write every hit (id, score, snippet) here, for diffs
    std::size_t slowest = 0;         ///< also list this many slowest queries, slowest first
    bool distinct = false;           ///< SearchRequest::distinct: collapse duplicate reviews
    std::string facets;              ///< facets counted per query, comma-separated ("": none)
    /// SearchRequest::exact_count_limit: count matches exactly up to this many (the cost of
    /// exact counts is this option against 0).
    std::size_t exact_count_limit = query::SearchRequest::kDefaultExactCountLimit;
};

/// Runs the workload and writes a summary and one `metric name=value` line per figure to `out`:
/// `queries`, `p50_ms`, `p95_ms`, `p99_ms`, `mean_ms`, `qps`, `cpu_p50_ms`, `cpu_p99_ms`,
/// `mean_results`, `exact_counts` (the share of queries whose total was exact), `errors`. With
/// `dump`, writes one line per query (`qid TAB # TAB total`, the count or `~` and Xapian's
/// estimate, and the error, if any) and one per hit (`qid TAB rank TAB id TAB score TAB snippet`,
/// the score with 17 significant digits, the snippet's marks as `[` and `]`). With `slowest`, lists
/// that many queries, slowest first, as `slow RANK: WALL ms (CPU ms CPU) QUERY`: the ones that
/// set p99, to profile one at a time. Returns 0, or 1 when a
/// query failed. Throws UsageError for bad options, IndexError if the index cannot be opened.
[[nodiscard]] int run_measure_queries(const MeasureQueriesOptions& options, std::ostream& out,
                                      std::ostream& err);

/// Parses `revsearch-measure-queries` arguments. Returns nullopt when --help was printed.
/// Throws UsageError for a bad command line.
[[nodiscard]] std::optional<MeasureQueriesOptions> parse_measure_queries_args(
    int argc, const char* const* argv, std::ostream& out);

/// `revsearch-measure-queries`: the whole program. Returns 0, 1 (error) or 2 (usage). Never
/// throws.
[[nodiscard]] int measure_queries_main(int argc, const char* const* argv, std::ostream& out,
                                       std::ostream& err);

}  // namespace revsearch::bench
