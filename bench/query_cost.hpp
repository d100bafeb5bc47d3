#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

/// bench/query-cost: adversarial queries within the server's limits, timed on an existing
/// index, against an ordinary query run in the same invocation (issue 17, point 8: no query
/// under the server's limits may take more than a second on the 1M-review benchmark index).
namespace revsearch::bench {

/// One query of the adversarial set.
struct CostQuery {
    std::string name;  ///< what it tries ("wildcard-repeat", "near-same-word", ...)
    std::string text;
    bool peer = false;  ///< an ordinary query, the yardstick of the others
};

struct QueryCostOptions {
    std::string db;
    std::size_t passes = 3;  ///< timed runs per query; its figure is the median
    std::size_t k = 10;      ///< results per query (with snippets, as the server answers)
    bool facets = false;     ///< also ask for every facet, as the search page does
    bool no_budget = false;  ///< lift the budget's limits (but the query length): what it saves
    std::vector<std::string> only;  ///< run only the queries with these names (and the peers)
    bool print = false;             ///< print each query's text too
};

/// The adversarial set, built from `db`'s own vocabulary so that it fits any index: its most
/// frequent words and its prefixes with the most terms, arranged in the constructs whose cost
/// grows faster than their length (repeated and distinct wildcards, many terms, long NEAR and
/// phrase chains over frequent words, deep nesting, negation of everything, wide ranges), each
/// as long as `max_bytes` allows; plus two ordinary queries (`peer`). Throws Xapian::Error.
[[nodiscard]] std::vector<CostQuery> adversarial_queries(const std::string& db,
                                                         std::size_t max_bytes);

/// Runs every query of adversarial_queries() through query::Searcher with the default budget
/// (or none) and writes a table and `metric name=value` lines: per query
/// `query_cost.NAME.wall_ms`, `.cpu_ms`, `.hits`, `.refused` (1 when the budget refused it);
/// `query_cost.max_wall_ms` and `query_cost.max_cpu_ms` over the set, `query_cost.peer_wall_ms`
/// (the slower ordinary query) and `query_cost.max_ratio` (slowest over peer). Returns 0.
/// Throws IndexError if the index cannot be opened.
[[nodiscard]] int run_query_cost(const QueryCostOptions& options, std::ostream& out);

/// Parses `revsearch-bench-query-cost` arguments; nullopt when --help was printed. Throws
/// UsageError.
[[nodiscard]] std::optional<QueryCostOptions> parse_query_cost_args(int argc,
                                                                    const char* const* argv,
                                                                    std::ostream& out);

/// `revsearch-bench-query-cost`: the whole program. Returns 0, 1 (error) or 2 (usage). Never
/// throws.
[[nodiscard]] int query_cost_main(int argc, const char* const* argv, std::ostream& out,
                                  std::ostream& err);

}  // namespace revsearch::bench
