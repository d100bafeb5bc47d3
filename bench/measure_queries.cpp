#include "bench/measure_queries.hpp"


#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "bench/measure.hpp"
#include "bench/peers.hpp"
#include "common/error.hpp"
#include "common/text.hpp"
#include "query/highlighter.hpp"
#include "query/searcher.hpp"

namespace po = boost::program_options;

namespace revsearch::bench {

namespace {

std::string metric_number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

}  // namespace

int run_measure_queries(const MeasureQueriesOptions& options, std::ostream& out,
                        std::ostream& err) {
    const std::vector<BenchQuery> queries =
        load_queries(options.queries_file, options.limit, options.default_and);
    query::Searcher searcher(options.db);
    query::SearchRequest request;
    request.default_and = options.default_and;
    request.k = options.k;
    request.snippets = options.snippets;
    request.ids_only = options.ids_only;
    request.sort = query::parse_sort(options.sort);
    request.distinct = options.distinct;
    for (const std::string& f : text::split(options.facets, ',')) {
        if (!f.empty()) request.facets.push_back(f);
    }
    request.exact_count_limit = options.exact_count_limit;

    std::ofstream dump;
    if (!options.dump.empty()) {
        dump.open(options.dump, std::ios::trunc);
        if (!dump) throw UsageError("--dump: cannot write " + options.dump);
    }
    using Clock = std::chrono::steady_clock;
    std::vector<std::vector<double>> wall(queries.size()), cpu(queries.size());
    std::vector<std::string> errors(queries.size());
    double results = 0;
    double exact = 0;
    const std::size_t rounds = options.warmup + options.passes;
    for (std::size_t round = 0; round < rounds; ++round) {
        const bool timed = round >= options.warmup;
        const bool last = round + 1 == rounds;
        for (std::size_t i = 0; i < queries.size(); ++i) {
            request.query = queries[i].text;
            try {
                const double c0 = thread_cpu_ms();
                const auto t0 = Clock::now();
                const query::SearchResult r = searcher.search(request);
                const auto t1 = Clock::now();
                const double c1 = thread_cpu_ms();
                if (timed) {
                    wall[i].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
                    cpu[i].push_back(c1 - c0);
                }
                if (!last) continue;
                results += static_cast<double>(r.hits.size());
                exact += r.total.exact() ? 1 : 0;
                if (!dump.is_open()) continue;
                dump << i << "\t#\t" << (r.total.exact() ? "" : "~") << r.total.estimated << '\n';
                char score[32];
                for (const query::Hit& h : r.hits) {
                    std::snprintf(score, sizeof score, "%.17g", h.score);
                    dump << i << '\t' << h.rank << '\t' << h.review.id << '\t' << score << '\t'
                         << query::render(h.snippet, query::Highlight::Plain) << '\n';
                }
            } catch (const std::exception& e) {
                if (!last) continue;
                errors[i] = e.what();
                if (dump.is_open()) dump << i << "\t#\terror: " << errors[i] << '\n';
            }
        }
    }

    std::vector<double> wall_ms, cpu_ms;
    std::vector<std::size_t> timed;  // the queries that ran, by their index
    double failed = 0;
    for (std::size_t i = 0; i < queries.size(); ++i) {
        if (!errors[i].empty()) {
            ++failed;
            continue;
        }
        wall_ms.push_back(median(wall[i]));
        cpu_ms.push_back(median(cpu[i]));
        timed.push_back(i);
    }
    const LatencySummary w = summarize_latencies(wall_ms);
    const LatencySummary c = summarize_latencies(cpu_ms);
    const double n = static_cast<double>(queries.size());
    out << "revsearch measure-queries: " << options.db << ", " << queries.size() << " queries of "
        << options.queries_file << ", top " << options.k
        << (options.ids_only   ? ", ids only"
            : options.snippets ? ", snippets"
                               : ", no snippets")
        << ", sort " << options.sort << (options.distinct ? ", distinct" : "")
        << (options.facets.empty() ? "" : ", facets " + options.facets) << ", words joined by "
        << (options.default_and ? "AND" : "OR")
        << "; " << options.warmup << " warm-up and " << options.passes << " timed pass(es)\n";
    out << "p50 " << metric_number(w.p50_ms) << " ms, p95 " << metric_number(w.p95_ms)
        << " ms, p99 " << metric_number(w.p99_ms) << " ms, " << metric_number(w.per_second)
        << " queries/s; CPU p50 " << metric_number(c.p50_ms) << " ms, p99 "
        << metric_number(c.p99_ms) << " ms\n";
    out << "metric queries=" << queries.size() << '\n'
        << "metric p50_ms=" << metric_number(w.p50_ms) << '\n'
        << "metric p95_ms=" << metric_number(w.p95_ms) << '\n'
        << "metric p99_ms=" << metric_number(w.p99_ms) << '\n'
        << "metric mean_ms=" << metric_number(w.mean_ms) << '\n'
        << "metric qps=" << metric_number(w.per_second) << '\n'
        << "metric cpu_p50_ms=" << metric_number(c.p50_ms) << '\n'
        << "metric cpu_p99_ms=" << metric_number(c.p99_ms) << '\n'
        << "metric mean_results=" << metric_number(results / std::max(1.0, n)) << '\n'
        << "metric exact_counts=" << metric_number(exact / std::max(1.0, n)) << '\n'
        << "metric errors=" << failed << '\n';
    std::vector<std::size_t> order(wall_ms.size());
    for (std::size_t j = 0; j < order.size(); ++j) order[j] = j;
    const std::size_t listed = std::min(options.slowest, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(listed), order.end(),
                      [&](std::size_t a, std::size_t b) { return wall_ms[a] > wall_ms[b]; });
    for (std::size_t r = 0; r < listed; ++r) {
        const std::size_t j = order[r];
        out << "slow " << r + 1 << ": " << metric_number(wall_ms[j]) << " ms ("
            << metric_number(cpu_ms[j]) << " ms CPU) " << queries[timed[j]].text << '\n';
    }
    for (std::size_t i = 0; i < errors.size(); ++i) {
        if (!errors[i].empty()) {
            err << "measure-queries: query " << i << ": " << errors[i] << '\n';
            return 1;
        }
    }
    return 0;
}

std::optional<MeasureQueriesOptions> parse_measure_queries_args(int argc, const char* const* argv,
                                                                std::ostream& out) {
    MeasureQueriesOptions o;
    std::string op = "and";
    po::options_description desc(
        "Usage: revsearch-measure-queries --db DIR --queries FILE [options]\n"
        "Times revsearch's query side alone on an existing index: every query of the set,\n"
        "after warm-up passes, one at a time, single-threaded. For profiling one case\n"
        "(valgrind --tool=callgrind, perf) and for comparing two builds (--dump, then diff).\n\n"
        "Options");
    desc.add_options()("help,h", "show this help")(
        "db", po::value(&o.db)->required(),
        "the revsearch index (bench/peers: WORKDIR/revsearch.db)")(
        "queries", po::value(&o.queries_file)->required(), "one revsearch query per line")(
        "limit", po::value(&o.limit)->default_value(0), "use only the first N queries (0: all)")(
        "op", po::value(&op)->default_value(op), "and: every word required; or: any word, ranked")(
        "k", po::value(&o.k)->default_value(o.k), "results per query")(
        "no-snippets", "no snippets (the batch case)")(
        "ids-only", "hits carry only their id, score and rank (a TREC run); implies --no-snippets")(
        "sort", po::value(&o.sort)->default_value(o.sort), "relevance, date or rating")(
        "warmup", po::value(&o.warmup)->default_value(o.warmup), "untimed passes first")(
        "passes", po::value(&o.passes)->default_value(o.passes),
        "timed passes; a query's latency is its median")(
        "dump", po::value(&o.dump), "write every hit (id, score, snippet) to this file")(
        "slowest", po::value(&o.slowest)->default_value(o.slowest),
        "also list the N slowest queries, slowest first (the ones that set p99)")(
        "distinct", po::bool_switch(&o.distinct), "collapse duplicate reviews (--distinct)")(
        "facets", po::value(&o.facets), "count these facets for every query, e.g. rating,year")(
        "exact-count-limit", po::value(&o.exact_count_limit)->default_value(o.exact_count_limit),
        "count matches exactly up to this many (0: Xapian's estimate only)");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        if (vm.count("help")) {
            out << desc << '\n';
            return std::nullopt;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    if (op != "and" && op != "or") throw UsageError("--op takes and or or, not '" + op + "'");
    o.default_and = op == "and";
    o.ids_only = vm.count("ids-only") != 0;
    o.snippets = vm.count("no-snippets") == 0 && !o.ids_only;
    if (o.k == 0) throw UsageError("--k must be positive");
    if (o.passes == 0) throw UsageError("--passes must be positive");
    (void)query::parse_sort(o.sort);
    return o;
}

int measure_queries_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    try {
        const std::optional<MeasureQueriesOptions> options =
            parse_measure_queries_args(argc, argv, out);
        if (!options) return 0;
        return run_measure_queries(*options, out, err);
    } catch (const UsageError& e) {
        err << "revsearch-measure-queries: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Usage);
    } catch (const std::exception& e) {
        err << "revsearch-measure-queries: error: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Error);
    }
}

}  // namespace revsearch::bench
