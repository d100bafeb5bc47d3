#include "bench/peers.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "bench/fts5_peer.hpp"
#include "bench/measure.hpp"
#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "corpus/inputs.hpp"
#include "corpus/topic_tagger.hpp"
#include "corpus/walker.hpp"
#include "indexer/index_job.hpp"
#include "query/searcher.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace revsearch::bench {

namespace {

/// True when the indexer offers a thread count. The parallel indexer (issue 5) adds one; until
/// then the benchmark runs the library as it is and says so.
template <typename T>
concept HasThreadsOption = requires(T options) {
    options.threads = 1u;
};

/// Returns the thread count IndexOptions will use: `requested` if given, else its default.
/// 1 when the library has no such option (and a warning goes to `err` if more were asked).
template <typename Options>
unsigned apply_threads(Options& o, std::optional<unsigned> requested, std::ostream& err) {
    if constexpr (HasThreadsOption<Options>) {
        if (requested) o.threads = *requested;
        // 0 asks the indexer for one thread per core.
        const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
        return o.threads == 0 ? cores : static_cast<unsigned>(o.threads);
    } else {
        if (requested && *requested != 1) {
            err << "peers: note: this revsearch IndexJob has no threads option; it runs as it is\n";
        }
        return 1;
    }
}

struct CorpusStats {
    std::uint64_t reviews = 0;  ///< non-blank lines
    std::uint64_t bytes = 0;
};

/// Counts the corpus's lines. Reading it all also puts it in the page cache, so neither build
/// pays for the first read from disk.
CorpusStats scan_corpus(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CorpusError(path, 0, "cannot open");
    CorpusStats s;
    std::string line;
    while (std::getline(in, line)) {
        s.bytes += line.size() + 1;
        if (line.find_first_not_of(" \t\r") != std::string::npos) ++s.reviews;
    }
    return s;
}

class SilentObserver final : public corpus::WalkObserver {
public:
    void on_skipped(const std::string&, const std::string&) override {}
    void on_read(const std::string&, corpus::Format, std::uint64_t) override {}
};

/// The work both builds share: reading the JSONL and tagging topics, without indexing.
class CountingSink final : public corpus::RecordSink {
public:
    explicit CountingSink(const corpus::TopicTagger& tagger) : tagger_(tagger) {}
    void on_review(Review&& r) override {
        tagger_.tag(r);
        ++reviews;
    }
    void on_reject(Reject&&) override {}
    std::uint64_t reviews = 0;

private:
    const corpus::TopicTagger& tagger_;
};

void read_baseline(const std::string& corpus_path, PhaseValues& values) {
    const Analyzer analyzer{AnalyzerSettings{}};
    const corpus::TopicLexicon lexicon = corpus::TopicLexicon::builtin();
    const corpus::TopicTagger tagger(lexicon, analyzer);
    CountingSink sink(tagger);
    SilentObserver observer;
    corpus::WalkOptions walk;
    walk.format = corpus::Format::Jsonl;
    corpus::Walker walker(walk);
    std::vector<corpus::InputProblem> problems;
    for (const corpus::InputFile& f : corpus::expand_inputs({corpus_path}, problems)) {
        walker.walk(f, sink, observer);
    }
    values["reviews"] = static_cast<double>(sink.reviews);
}

/// One engine's answer to one query: the ids of the top k, or an error.
using SearchFn = std::function<std::vector<std::string>(const BenchQuery&, std::size_t, bool)>;

/// Latencies of one case (wall and CPU), one entry per query that succeeded.
struct CaseTimes {
    std::vector<double> wall_ms;
    std::vector<double> cpu_ms;
    double results = 0;

    void add(std::chrono::steady_clock::duration wall, double cpu) {
        wall_ms.push_back(std::chrono::duration<double, std::milli>(wall).count());
        cpu_ms.push_back(cpu);
    }
    void put(const std::string& prefix, double queries, PhaseValues& values) const {
        const LatencySummary w = summarize_latencies(wall_ms);
        const LatencySummary c = summarize_latencies(cpu_ms);
        values[prefix + ".p50_ms"] = w.p50_ms;
        values[prefix + ".p95_ms"] = w.p95_ms;
        values[prefix + ".p99_ms"] = w.p99_ms;
        values[prefix + ".mean_ms"] = w.mean_ms;
        values[prefix + ".qps"] = w.per_second;
        values[prefix + ".cpu_p50_ms"] = c.p50_ms;
        values[prefix + ".cpu_p99_ms"] = c.p99_ms;
        values[prefix + ".mean_results"] = results / std::max(1.0, queries);
    }
};

/// Warms up with one untimed pass of every query in both cases, then times every query, one at
/// a time, top `k` with snippets, then top `batch_k` without. Writes per-query results to
/// `results_path` (index, results at k, results at batch_k, the top-k ids, the error if any).
void time_queries(const std::vector<BenchQuery>& queries, const PeersOptions& options,
                  const SearchFn& search, const std::string& results_path, PhaseValues& values) {
    using Clock = std::chrono::steady_clock;
    for (const BenchQuery& q : queries) {
        try {
            (void)search(q, options.k, true);
            (void)search(q, options.batch_k, false);
        } catch (const std::exception&) {
            // counted in the timed pass
        }
    }
    CaseTimes interactive, batch;
    std::ofstream results(results_path, std::ios::trunc);
    double errors = 0;
    for (std::size_t i = 0; i < queries.size(); ++i) {
        std::vector<std::string> top;
        std::size_t batch_count = 0;
        std::string error;
        try {
            const double c0 = thread_cpu_ms();
            const auto t0 = Clock::now();
            top = search(queries[i], options.k, true);
            const auto t1 = Clock::now();
            const double c1 = thread_cpu_ms();
            batch_count = search(queries[i], options.batch_k, false).size();
            const auto t2 = Clock::now();
            const double c2 = thread_cpu_ms();
            interactive.add(t1 - t0, c1 - c0);
            batch.add(t2 - t1, c2 - c1);
        } catch (const std::exception& e) {
            error = e.what();
            std::replace(error.begin(), error.end(), '\n', ' ');
            std::replace(error.begin(), error.end(), '\t', ' ');
            ++errors;
        }
        interactive.results += static_cast<double>(top.size());
        batch.results += static_cast<double>(batch_count);
        results << i << '\t' << top.size() << '\t' << batch_count << '\t';
        for (std::size_t j = 0; j < top.size(); ++j) results << (j ? " " : "") << top[j];
        results << '\t' << error << '\n';
    }
    const double n = static_cast<double>(queries.size());
    interactive.put("q" + std::to_string(options.k), n, values);
    batch.put("q" + std::to_string(options.batch_k), n, values);
    values["errors"] = errors;
}

/// Per-query results as time_queries() wrote them.
struct QueryResults {
    std::vector<std::size_t> at_k;
    std::vector<std::size_t> at_batch_k;
    std::vector<std::vector<std::string>> top;
    std::string first_error;
};

QueryResults read_results(const std::string& path) {
    QueryResults r;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string index, k, batch, ids, error;
        std::getline(fields, index, '\t');
        std::getline(fields, k, '\t');
        std::getline(fields, batch, '\t');
        std::getline(fields, ids, '\t');
        std::getline(fields, error);
        r.at_k.push_back(std::stoul(k));
        r.at_batch_k.push_back(std::stoul(batch));
        std::istringstream words(ids);
        std::vector<std::string> top;
        for (std::string id; words >> id;) top.push_back(id);
        r.top.push_back(std::move(top));
        if (r.first_error.empty() && !error.empty())
            r.first_error = "query " + index + ": " + error;
    }
    return r;
}

/// A figure of the table: a value per engine (absent when not measured or not applicable).
struct Row {
    std::string label;
    std::string key;  ///< metric name without the engine
    std::optional<double> fts5;
    std::optional<double> revsearch;
    bool ratio = true;
};

std::string fmt(double v) {
    char buf[32];
    const double a = std::abs(v);
    if (a >= 1000) {
        std::snprintf(buf, sizeof buf, "%.0f", v);
    } else if (a >= 100) {
        std::snprintf(buf, sizeof buf, "%.1f", v);
    } else if (a >= 1) {
        std::snprintf(buf, sizeof buf, "%.2f", v);
    } else {
        std::snprintf(buf, sizeof buf, "%.3f", v);
    }
    return buf;
}

std::string metric_value(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::optional<double> value_of(const PhaseResult* phase, const std::string& key) {
    if (phase == nullptr || !phase->ok) return std::nullopt;
    const auto it = phase->values.find(key);
    if (it == phase->values.end()) return std::nullopt;
    return it->second;
}

double parent_max_rss_mb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;
}

}  // namespace

std::vector<BenchQuery> load_queries(const std::string& path, std::size_t limit, bool default_and) {
    std::ifstream in(path);
    if (!in) throw CorpusError(path, 0, "cannot open the query file");
    std::vector<BenchQuery> queries;
    std::string line;
    std::size_t line_number = 0;
    while (std::getline(in, line)) {
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#') continue;
        if (limit != 0 && queries.size() >= limit) break;
        try {
            queries.push_back(BenchQuery{line, translate_to_fts5(line, default_and)});
        } catch (const UsageError& e) {
            throw UsageError(path + ":" + std::to_string(line_number) + ": " + e.what());
        }
    }
    if (queries.empty()) throw UsageError(path + " holds no queries");
    return queries;
}

int run_peers(const PeersOptions& options, std::ostream& out, std::ostream& err) {
    const MachineInfo machine = machine_info();
    const std::vector<BenchQuery> queries =
        load_queries(options.queries_file, options.limit, options.default_and);
    fs::create_directories(options.workdir);
    const std::string fts5_db = (fs::path(options.workdir) / "fts5.db").string();
    const std::string revsearch_db = (fs::path(options.workdir) / "revsearch.db").string();
    const std::string index_log = (fs::path(options.workdir) / "revsearch-index.log").string();

    indexer::IndexOptions index_options;
    index_options.db_path = revsearch_db;
    index_options.inputs = {options.corpus};
    index_options.walk.format = corpus::Format::Jsonl;
    index_options.progress = indexer::ProgressMode::None;
    // The analyzer revsearch-index uses by default: English stemming and stop words.
    index_options.analyzer.stopwords_name = "english";
    index_options.analyzer.stopwords = load_stopwords("english");
    const unsigned threads = apply_threads(index_options, options.threads, err);

    err << "peers: reading " << options.corpus << '\n';
    const CorpusStats corpus = scan_corpus(options.corpus);
    const double corpus_mb = static_cast<double>(corpus.bytes) / 1e6;

    std::optional<PhaseResult> baseline, fts5_build, revsearch_build, fts5_queries,
        revsearch_queries;
    if (options.baseline) {
        err << "peers: timing a read of the corpus (parse and tag, no index)\n";
        baseline = run_in_child([&](PhaseValues& v) { read_baseline(options.corpus, v); });
    }
    if (!options.skip_build) {
        // Old indexes go before the clocks start: deleting a large one takes a while.
        fs::remove_all(revsearch_db);
        fs::remove_all(revsearch_db + ".parts");  // an interrupted parallel build's parts
        for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(fts5_db + suffix);
        err << "peers: building FTS5 in " << fts5_db << '\n';
        fts5_build = run_in_child([&](PhaseValues& v) {
            Fts5BuildOptions o;
            o.corpus = options.corpus;
            o.db_path = fts5_db;
            o.optimize = options.fts5_optimize;
            const Fts5BuildStats s = build_fts5(o);
            v["reviews"] = static_cast<double>(s.reviews);
            v["rejected"] = static_cast<double>(s.rejected);
            v["optimize_s"] = s.optimize_seconds;
        });
        err << "peers: building revsearch in " << revsearch_db << '\n';
        revsearch_build = run_in_child([&](PhaseValues& v) {
            std::ofstream log(index_log, std::ios::trunc);
            indexer::IndexJob job(index_options, log);
            const indexer::IndexSummary s = job.run();
            v["reviews"] = static_cast<double>(s.read - s.rejected);
            v["rejected"] = static_cast<double>(s.rejected);
        });
    }
    const bool have_fts5 = options.skip_build ? fs::exists(fts5_db) : fts5_build->ok;
    const bool have_revsearch = options.skip_build ? fs::exists(revsearch_db) : revsearch_build->ok;

    const std::string fts5_results = (fs::path(options.workdir) / "fts5.results.tsv").string();
    const std::string revsearch_results =
        (fs::path(options.workdir) / "revsearch.results.tsv").string();
    if (have_fts5) {
        err << "peers: " << queries.size() << " queries on FTS5\n";
        fts5_queries = run_in_child([&](PhaseValues& v) {
            Fts5Searcher searcher(fts5_db);
            const SearchFn search = [&](const BenchQuery& q, std::size_t k, bool snippets) {
                Fts5SearchOptions o;
                o.k = k;
                o.snippets = snippets;
                o.ids_only = !snippets && options.batch_ids_only;
                o.order_by_rank = options.fts5_order_by_rank;
                std::vector<std::string> ids;
                for (Fts5Hit& h : searcher.search(q.fts5, o)) ids.push_back(std::move(h.id));
                return ids;
            };
            time_queries(queries, options, search, fts5_results, v);
        });
    }
    if (have_revsearch) {
        err << "peers: " << queries.size() << " queries on revsearch\n";
        revsearch_queries = run_in_child([&](PhaseValues& v) {
            query::Searcher searcher(revsearch_db);
            const SearchFn search = [&](const BenchQuery& q, std::size_t k, bool snippets) {
                query::SearchRequest request;
                request.query = q.text;
                request.default_and = options.default_and;
                request.k = k;
                request.snippets = snippets;
                request.ids_only = !snippets && options.batch_ids_only;
                // FTS5 returns the top k and no count, so neither does revsearch here;
                // bench/measure-queries --exact-count-limit measures what counting costs.
                request.exact_count_limit = 0;
                std::vector<std::string> ids;
                for (query::Hit& h : searcher.search(request).hits)
                    ids.push_back(std::move(h.review.id));
                return ids;
            };
            time_queries(queries, options, search, revsearch_results, v);
        });
    }

    // The table.
    const PhaseResult* fb = fts5_build ? &*fts5_build : nullptr;
    const PhaseResult* rb = revsearch_build ? &*revsearch_build : nullptr;
    const PhaseResult* fq = fts5_queries ? &*fts5_queries : nullptr;
    const PhaseResult* rq = revsearch_queries ? &*revsearch_queries : nullptr;
    const auto when_ok = [](const PhaseResult* p, double v) -> std::optional<double> {
        return p != nullptr && p->ok ? std::optional<double>(v) : std::nullopt;
    };
    const auto wall = [&](const PhaseResult* p) { return when_ok(p, p ? p->wall_seconds : 0); };
    const auto cpu = [&](const PhaseResult* p) {
        return when_ok(p, p ? p->user_seconds + p->system_seconds : 0);
    };
    const auto rate = [&](const PhaseResult* p, double amount) {
        return when_ok(p, p && p->wall_seconds > 0 ? amount / p->wall_seconds : 0);
    };
    const auto rss = [&](const PhaseResult* p) { return when_ok(p, p ? p->max_rss_mb : 0); };
    const auto disk = [&](bool have, const std::string& path) -> std::optional<double> {
        return have ? std::optional<double>(static_cast<double>(bytes_on_disk(path)) / 1e6)
                    : std::nullopt;
    };
    const std::string k = "q" + std::to_string(options.k);
    const std::string bk = "q" + std::to_string(options.batch_k);
    const std::string k_label = "top " + std::to_string(options.k) + " + snippets";
    const std::string bk_label = "top " + std::to_string(options.batch_k) +
                                 (options.batch_ids_only ? ", ids only" : ", no snippets");

    std::vector<Row> rows = {
        {"index: wall time (s)", "index.wall_s", wall(fb), wall(rb)},
        {"index: CPU time, user+sys (s)", "index.cpu_s", cpu(fb), cpu(rb)},
        {"index: reviews/s", "index.reviews_per_s", rate(fb, double(corpus.reviews)),
         rate(rb, double(corpus.reviews))},
        {"index: MB/s (JSONL input)", "index.mb_per_s", rate(fb, corpus_mb), rate(rb, corpus_mb)},
        {"index: peak RSS (MiB)", "index.peak_rss_mib", rss(fb), rss(rb)},
        {"index: bytes on disk (MB)", "index.disk_mb", disk(have_fts5, fts5_db),
         disk(have_revsearch, revsearch_db)},
        {"index: reviews indexed", "index.reviews", value_of(fb, "reviews"),
         value_of(rb, "reviews")},
        {"index: FTS5 optimize, included (s)", "index.optimize_s", value_of(fb, "optimize_s"),
         std::nullopt, false},
    };
    for (const auto& [key, label] : {std::pair{k, k_label}, std::pair{bk, bk_label}}) {
        rows.push_back({label + ": p50 (ms)", key + ".p50_ms", value_of(fq, key + ".p50_ms"),
                        value_of(rq, key + ".p50_ms")});
        rows.push_back({label + ": p95 (ms)", key + ".p95_ms", value_of(fq, key + ".p95_ms"),
                        value_of(rq, key + ".p95_ms")});
        rows.push_back({label + ": p99 (ms)", key + ".p99_ms", value_of(fq, key + ".p99_ms"),
                        value_of(rq, key + ".p99_ms")});
        rows.push_back({label + ": p50 CPU time (ms)", key + ".cpu_p50_ms",
                        value_of(fq, key + ".cpu_p50_ms"), value_of(rq, key + ".cpu_p50_ms")});
        rows.push_back({label + ": p99 CPU time (ms)", key + ".cpu_p99_ms",
                        value_of(fq, key + ".cpu_p99_ms"), value_of(rq, key + ".cpu_p99_ms")});
        rows.push_back({label + ": queries/s, 1 thread", key + ".qps", value_of(fq, key + ".qps"),
                        value_of(rq, key + ".qps")});
        rows.push_back({label + ": mean results", key + ".mean_results",
                        value_of(fq, key + ".mean_results"), value_of(rq, key + ".mean_results")});
    }
    rows.push_back({"queries: peak RSS (MiB)", "query.peak_rss_mib", rss(fq), rss(rq)});
    rows.push_back(
        {"queries: errors", "query.errors", value_of(fq, "errors"), value_of(rq, "errors"), false});

    // Do both engines answer the same logical queries? Result counts below batch_k must agree
    // when the semantics do; the top k differs only by ranking (BM25 parameters differ).
    std::optional<double> overlap, same_counts;
    QueryResults fr, rr;
    if (fq != nullptr && fq->ok && rq != nullptr && rq->ok) {
        fr = read_results(fts5_results);
        rr = read_results(revsearch_results);
        double overlap_sum = 0, same = 0, counted = 0;
        for (std::size_t i = 0; i < fr.top.size() && i < rr.top.size(); ++i) {
            if (fr.at_batch_k[i] == rr.at_batch_k[i]) ++same;
            const std::size_t denominator = std::max(fr.top[i].size(), rr.top[i].size());
            if (denominator == 0) continue;
            std::size_t common = 0;
            for (const std::string& id : rr.top[i]) {
                common +=
                    static_cast<std::size_t>(std::count(fr.top[i].begin(), fr.top[i].end(), id));
            }
            overlap_sum += static_cast<double>(common) / static_cast<double>(denominator);
            ++counted;
        }
        overlap = counted > 0 ? overlap_sum / counted : 0;
        same_counts = fr.top.empty() ? 0 : 100.0 * same / static_cast<double>(fr.top.size());
    }

    const double load_at_end = machine_info().load_average;
    char header[1024];
    std::snprintf(header, sizeof header,
                  "revsearch bench/peers, %s\n"
                  "machine: %u cores (nproc), %.1f GiB memory, %s, %s; "
                  "load average %.2f at the start, %.2f at the end\n"
                  "corpus: %s: %llu reviews, %.1f MB\n"
                  "queries: %s: %zu, words joined by %s, after one warm-up pass; "
                  "revsearch threads: %u\n",
                  machine.date.c_str(), machine.cores, machine.memory_gib, machine.cpu.c_str(),
                  machine.kernel.c_str(), machine.load_average, load_at_end, options.corpus.c_str(),
                  static_cast<unsigned long long>(corpus.reviews), corpus_mb,
                  options.queries_file.c_str(), queries.size(), options.default_and ? "AND" : "OR",
                  threads);
    out << '\n' << header;
    if (baseline && baseline->ok) {
        out << "baseline: reading, parsing and tagging the corpus alone (both builds do it): "
            << fmt(baseline->wall_seconds) << " s wall, "
            << fmt(baseline->user_seconds + baseline->system_seconds) << " s CPU, peak RSS "
            << fmt(baseline->max_rss_mb) << " MiB\n";
    }
    out << "each phase ran in its own child process; the parent's own peak RSS is "
        << fmt(parent_max_rss_mb()) << " MiB\n\n";

    char line[256];
    std::snprintf(line, sizeof line, "%-40s %12s %12s %16s\n", "figure", "FTS5", "revsearch",
                  "revsearch/FTS5");
    out << line << std::string(83, '-') << '\n';
    const auto cell = [](const std::optional<double>& v) { return v ? fmt(*v) : std::string("-"); };
    for (const Row& r : rows) {
        std::optional<double> ratio;
        if (r.ratio && r.fts5 && r.revsearch && *r.fts5 != 0) ratio = *r.revsearch / *r.fts5;
        std::snprintf(line, sizeof line, "%-40s %12s %12s %16s\n", r.label.c_str(),
                      cell(r.fts5).c_str(), cell(r.revsearch).c_str(), cell(ratio).c_str());
        out << line;
    }
    std::snprintf(line, sizeof line, "%-40s %12s %12s %16s\n",
                  ("top-" + std::to_string(options.k) + " overlap (mean share)").c_str(), "", "",
                  overlap ? fmt(*overlap).c_str() : "-");
    out << line;
    std::snprintf(line, sizeof line, "%-40s %12s %12s %16s\n",
                  ("same result count at " + std::to_string(options.batch_k) + " (%)").c_str(), "",
                  "", same_counts ? fmt(*same_counts).c_str() : "-");
    out << line << std::string(83, '-') << '\n';
    out << "ratios are revsearch/FTS5: below 1 is better for times, sizes and memory; above 1 is "
           "better for rates.\n\n";

    // One parseable line per figure.
    out << "metric machine.cores=" << machine.cores << '\n'
        << "metric machine.memory_gib=" << metric_value(machine.memory_gib) << '\n'
        << "metric machine.load_start=" << metric_value(machine.load_average) << '\n'
        << "metric machine.load_end=" << metric_value(load_at_end) << '\n'
        << "metric corpus.reviews=" << corpus.reviews << '\n'
        << "metric corpus.mb=" << metric_value(corpus_mb) << '\n'
        << "metric queries=" << queries.size() << '\n'
        << "metric revsearch.threads=" << threads << '\n';
    if (baseline && baseline->ok) {
        out << "metric baseline.read.wall_s=" << metric_value(baseline->wall_seconds) << '\n'
            << "metric baseline.read.cpu_s="
            << metric_value(baseline->user_seconds + baseline->system_seconds) << '\n';
    }
    for (const Row& r : rows) {
        if (r.fts5) out << "metric fts5." << r.key << '=' << metric_value(*r.fts5) << '\n';
        if (r.revsearch)
            out << "metric revsearch." << r.key << '=' << metric_value(*r.revsearch) << '\n';
        if (r.ratio && r.fts5 && r.revsearch && *r.fts5 != 0) {
            out << "metric ratio." << r.key << '=' << metric_value(*r.revsearch / *r.fts5) << '\n';
        }
    }
    if (overlap) out << "metric overlap.top_k=" << metric_value(*overlap) << '\n';
    if (same_counts) out << "metric same_count_pct.batch_k=" << metric_value(*same_counts) << '\n';

    int code = 0;
    const auto report = [&](const char* name, const std::optional<PhaseResult>& p) {
        if (p && !p->ok) {
            err << "peers: " << name << " failed: " << p->error << '\n';
            code = 1;
        }
    };
    report("reading the corpus", baseline);
    report("the FTS5 build", fts5_build);
    report("the revsearch build", revsearch_build);
    report("the FTS5 queries", fts5_queries);
    report("the revsearch queries", revsearch_queries);
    if (!fr.first_error.empty()) err << "peers: FTS5 " << fr.first_error << '\n';
    if (!rr.first_error.empty()) err << "peers: revsearch " << rr.first_error << '\n';
    return code;
}

std::optional<PeersOptions> parse_peers_args(int argc, const char* const* argv, std::ostream& out) {
    PeersOptions o;
    unsigned threads = 0;
    std::string op = "and";
    po::options_description desc(
        "Usage: revsearch-bench-peers --corpus FILE --queries FILE [options]\n"
        "Builds SQLite FTS5 and revsearch indexes of the same JSONL corpus, runs the same\n"
        "queries on both, and prints one table with every figure and its ratio revsearch/FTS5,\n"
        "then one `metric name=value` line per figure.\n\nOptions");
    desc.add_options()("help,h", "show this help")("corpus", po::value(&o.corpus)->required(),
                                                   "the JSONL corpus (bench/make-corpus output)")(
        "queries", po::value(&o.queries_file)->required(), "one revsearch query per line")(
        "workdir", po::value(&o.workdir)->default_value(o.workdir),
        "where the indexes and per-query results go (replaced)")(
        "limit", po::value(&o.limit)->default_value(0), "use only the first N queries (0: all)")(
        "threads", po::value(&threads), "revsearch indexing threads (default: the library's)")(
        "op", po::value(&op)->default_value(op), "and: every word required; or: any word, ranked")(
        "k", po::value(&o.k)->default_value(o.k), "results per query, with snippets")(
        "batch-k", po::value(&o.batch_k)->default_value(o.batch_k),
        "results per query in the batch case, without snippets")(
        "no-baseline", "do not time a plain read of the corpus")("no-fts5-optimize",
                                                                 "leave FTS5's segments unmerged")(
        "fts5-order-by-bm25", "ORDER BY bm25(fts, ...) instead of ORDER BY rank (slower)")(
        "skip-build", "reuse the indexes already in --workdir")(
        "batch-records", "the batch case reads every hit's record too, not only its id");
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
    if (vm.count("threads")) o.threads = threads;
    if (op != "and" && op != "or") throw UsageError("--op takes and or or, not '" + op + "'");
    o.default_and = op == "and";
    o.baseline = vm.count("no-baseline") == 0;
    o.fts5_optimize = vm.count("no-fts5-optimize") == 0;
    o.fts5_order_by_rank = vm.count("fts5-order-by-bm25") == 0;
    o.skip_build = vm.count("skip-build") != 0;
    o.batch_ids_only = vm.count("batch-records") == 0;
    if (o.k == 0 || o.batch_k == 0) throw UsageError("--k and --batch-k must be positive");
    if (o.k == o.batch_k) throw UsageError("--k and --batch-k must differ");
    return o;
}

int peers_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    try {
        const std::optional<PeersOptions> options = parse_peers_args(argc, argv, out);
        if (!options) return 0;
        return run_peers(*options, out, err);
    } catch (const UsageError& e) {
        err << "revsearch-bench-peers: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Usage);
    } catch (const std::exception& e) {
        err << "revsearch-bench-peers: error: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Error);
    }
}

}  // namespace revsearch::bench
