#include "bench/query_cost.hpp"

#include <xapian.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <limits>
#include <map>

#include "bench/measure.hpp"
#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "query/query_budget.hpp"
#include "query/searcher.hpp"

namespace po = boost::program_options;

namespace revsearch::bench {

namespace {

std::string number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

/// `unit` repeated while the text stays within `max_bytes`, separated by `sep`.
std::string fill(const std::vector<std::string>& units, const std::string& sep,
                 std::size_t max_bytes,
                 std::size_t max_units = std::numeric_limits<std::size_t>::max()) {
    std::string out;
    std::size_t n = 0;
    for (std::size_t i = 0; n < max_units; i = (i + 1) % units.size(), ++n) {
        const std::string next = (out.empty() ? "" : sep) + units[i];
        if (out.size() + next.size() > max_bytes) break;
        out += next;
    }
    return out;
}

/// The index's vocabulary as a query sees it.
struct Vocabulary {
    std::vector<std::string> common;                          ///< most frequent words, most first
    std::vector<std::string> rich_prefixes1, rich_prefixes2;  ///< letters with most terms first
};

Vocabulary vocabulary(const Xapian::Database& db) {
    const Analyzer analyzer(AnalyzerSettings::from_database(db));
    std::vector<std::pair<Xapian::doccount, std::string>> words;
    std::map<std::string, std::size_t> by1, by2;
    for (char c = 'a'; c <= 'z'; ++c) {
        const std::string letter(1, c);
        for (auto t = db.allterms_begin(letter); t != db.allterms_end(letter); ++t) {
            const std::string term = *t;
            ++by1[term.substr(0, 1)];
            if (term.size() >= 2) ++by2[term.substr(0, 2)];
            const bool letters =
                std::all_of(term.begin(), term.end(), [](char x) { return x >= 'a' && x <= 'z'; });
            // A word the analyzer gives back unchanged, so the query searches this very term.
            if (!letters || term.size() < 3 || analyzer.is_stopword(term) ||
                analyzer.term(term) != term)
                continue;
            words.emplace_back(t.get_termfreq(), term);
        }
    }
    const std::size_t keep = std::min<std::size_t>(words.size(), 256);
    std::partial_sort(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(keep), words.end(),
                      [](const auto& a, const auto& b) {
                          return a.first != b.first ? a.first > b.first : a.second < b.second;
                      });
    Vocabulary v;
    for (std::size_t i = 0; i < keep; ++i) v.common.push_back(words[i].second);
    const auto ranked = [](const std::map<std::string, std::size_t>& counts) {
        std::vector<std::pair<std::size_t, std::string>> r;
        for (const auto& [p, n] : counts) r.emplace_back(n, p);
        std::sort(r.begin(), r.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        std::vector<std::string> out;
        for (const auto& [n, p] : r) out.push_back(p);
        return out;
    };
    v.rich_prefixes1 = ranked(by1);
    v.rich_prefixes2 = ranked(by2);
    if (v.common.size() < 2 || v.rich_prefixes1.empty())
        throw Error("the index has too few words to build queries from");
    return v;
}

}  // namespace

std::vector<CostQuery> adversarial_queries(const std::string& path, std::size_t max_bytes) {
    const Xapian::Database db(path);
    const Vocabulary v = vocabulary(db);
    const std::string& w1 = v.common[0];
    const std::string& w2 = v.common[1];
    const std::size_t phrase_words = query::QueryBudget{}.max_phrase_words;
    std::vector<std::string> starred1, starred2,
        some_common(v.common.begin(),
                    v.common.begin() + static_cast<std::ptrdiff_t>(
                                           std::min<std::size_t>(phrase_words, v.common.size())));
    for (const std::string& p : v.rich_prefixes1) starred1.push_back(p + "*");
    for (const std::string& p : v.rich_prefixes2) starred2.push_back(p + "*");
    std::vector<CostQuery> q;
    q.push_back({"peer-one-word", w1, true});
    q.push_back({"peer-two-words", w1 + " " + w2, true});
    // Issue 17's case: one pattern, as often as the length allows.
    q.push_back({"wildcard-repeat", fill({starred1[0]}, " ", max_bytes)});
    q.push_back({"wildcards-letters", fill(starred1, " ", max_bytes, starred1.size())});
    q.push_back({"wildcards-two-letters", fill(starred2, " ", max_bytes, starred2.size())});
    q.push_back({"wildcards-and", fill(starred1, " AND ", max_bytes, starred1.size())});
    q.push_back({"common-words-or", fill(v.common, " ", max_bytes, v.common.size())});
    q.push_back({"common-words-and", fill(v.common, " AND ", max_bytes, v.common.size())});
    q.push_back({"same-word-repeat", fill({w1}, " ", max_bytes)});
    // Phrases and NEARs as long as the budget allows, and one word longer (refused).
    q.push_back({"near-chain", fill(some_common, " NEAR/99999 ", max_bytes, phrase_words)});
    q.push_back({"near-same-word", fill({w1}, " NEAR/99999 ", max_bytes, phrase_words)});
    q.push_back({"near-too-long", fill({w1}, " NEAR/99999 ", max_bytes, phrase_words + 1)});
    q.push_back(
        {"phrase-common", "\"" + fill(some_common, " ", max_bytes - 2, phrase_words) + "\""});
    q.push_back({"phrase-same-word", "\"" + fill({w1}, " ", max_bytes - 2, phrase_words) + "\""});
    q.push_back({"phrase-pair-or-wildcard", "\"" + w1 + " " + w2 + "\" OR " + starred1[0]});
    // Nesting: AND and OR in turn, each level two deep in the parsed query (the operator and
    // the default field's OR): as deep as the budget allows, then as the length allows.
    const auto nest = [&](std::size_t levels) {
        std::string nested = w1;
        for (std::size_t i = 1; i <= levels; ++i) {
            const std::string next =
                v.common[i % v.common.size()] + (i % 2 ? " AND (" : " OR (") + nested + ")";
            if (next.size() > max_bytes) break;
            nested = next;
        }
        return nested;
    };
    q.push_back({"nested", nest(query::QueryBudget{}.max_depth / 2 - 2)});
    q.push_back({"nested-too-deep", nest(std::numeric_limits<std::size_t>::max())});
    // At the budget's edge: queries over the most frequent words, as many as the cost allows
    // (a word of the default field reads its body and its title postings), so that what the
    // budget admits is timed, not only what it refuses.
    const std::uint64_t max_cost = query::QueryBudget{}.max_cost;
    const auto cost_of = [&db](const std::string& w) {
        return std::uint64_t{db.get_termfreq(w)} + db.get_termfreq("S" + w);
    };
    std::vector<std::string> fitting;
    std::uint64_t spent = 0;
    for (const std::string& w : v.common) {
        if (spent + cost_of(w) > max_cost) continue;
        spent += cost_of(w);
        fitting.push_back(w);
    }
    if (!fitting.empty()) {
        q.push_back({"common-words-or-at-budget", fill(fitting, " ", max_bytes, fitting.size())});
        q.push_back(
            {"common-words-and-at-budget", fill(fitting, " AND ", max_bytes, fitting.size())});
    }
    // A phrase of the most frequent word that fits twice, repeated: its words are everywhere
    // and rarely adjacent, so the phrase checks spend all the postings leave.
    const std::uint64_t candidate = query::QueryBudget::kPhraseCandidateCost;
    for (const std::string& w : v.common) {
        // Its two postings lists and its candidates, with a fifth of the budget left to checks.
        if ((2 + candidate) * cost_of(w) > max_cost / 5 * 4) continue;
        q.push_back({"phrase-repeat-at-budget", "\"" + w + " " + w + "\""});
        break;
    }
    // The NEAR of one word 32 times, the most frequent word whose postings fit.
    for (const std::string& w : v.common) {
        if ((phrase_words + candidate) * cost_of(w) > max_cost / 5 * 4) continue;
        q.push_back(
            {"near-same-word-at-budget", fill({w}, " NEAR/99999 ", max_bytes, phrase_words)});
        break;
    }
    q.push_back({"not-common", "NOT " + w1});
    q.push_back({"wide-ranges", "date:1000..3000 rating:0..1000 " + w1});
    return q;
}

int run_query_cost(const QueryCostOptions& options, std::ostream& out) {
    query::SearchRequest base;
    base.k = options.k;
    if (options.facets) base.facets = {"topic", "reviewer", "category", "year", "rating"};
    if (options.no_budget) {
        auto& b = base.budget;
        b.max_terms = b.max_phrase_words = b.max_depth = b.max_wildcard_terms =
            std::numeric_limits<std::size_t>::max();
        b.max_cost = std::numeric_limits<std::uint64_t>::max();
    }
    const std::vector<CostQuery> queries =
        adversarial_queries(options.db, base.budget.max_query_bytes);
    query::Searcher searcher(options.db);
    using Clock = std::chrono::steady_clock;
    struct Row {
        const CostQuery* q;
        double wall = 0, cpu = 0;
        std::size_t hits = 0;
        std::string outcome;
        bool refused = false;
    };
    std::vector<Row> rows;
    for (const CostQuery& q : queries) {
        if (!q.peer && !options.only.empty() &&
            std::find(options.only.begin(), options.only.end(), q.name) == options.only.end()) {
            continue;
        }
        Row row{&q};
        std::vector<double> wall, cpu;
        query::SearchRequest r = base;
        r.query = q.text;
        for (std::size_t pass = 0; pass < options.passes; ++pass) {
            const double c0 = thread_cpu_ms();
            const auto t0 = Clock::now();
            try {
                const query::SearchResult result = searcher.search(r);
                row.hits = result.hits.size();
                row.outcome = (result.total.exact() ? "" : "~") +
                              std::to_string(result.total.estimated) + " matches";
                if (!result.notices.empty())
                    row.outcome += ", " + std::to_string(result.notices.size()) + " cut";
            } catch (const QueryError& e) {
                row.refused = true;
                row.outcome = e.what();
            }
            wall.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            cpu.push_back(thread_cpu_ms() - c0);
        }
        row.wall = median(wall);
        row.cpu = median(cpu);
        rows.push_back(std::move(row));
    }
    double peer = 0, max_wall = 0, max_cpu = 0;
    const Row* slowest = nullptr;
    for (const Row& row : rows) {
        if (row.q->peer) peer = std::max(peer, row.wall);
        max_cpu = std::max(max_cpu, row.cpu);
        if (row.wall >= max_wall) {
            max_wall = row.wall;
            slowest = &row;
        }
    }
    out << "revsearch query-cost: " << options.db << " (" << searcher.doc_count()
        << " reviews), top " << options.k << " with snippets"
        << (options.facets ? " and every facet" : "")
        << (options.no_budget ? ", NO BUDGET" : ", default budget") << ", median of "
        << options.passes << " runs\n";
    for (const Row& row : rows) {
        out << "  " << row.q->name
            << std::string(row.q->name.size() < 26 ? 26 - row.q->name.size() : 1, ' ')
            << number(row.wall) << " ms (" << number(row.cpu) << " ms CPU), x"
            << number(row.wall / std::max(peer, 1e-9)) << " peer, " << row.q->text.size()
            << " bytes: " << (row.refused ? "refused: " : "") << row.outcome << '\n';
        if (options.print) out << "    " << row.q->text << '\n';
    }
    for (const Row& row : rows) {
        const std::string m = "metric query_cost." + row.q->name;
        out << m << ".wall_ms=" << number(row.wall) << '\n'
            << m << ".cpu_ms=" << number(row.cpu) << '\n'
            << m << ".hits=" << row.hits << '\n'
            << m << ".refused=" << (row.refused ? 1 : 0) << '\n';
    }
    out << "metric query_cost.peer_wall_ms=" << number(peer) << '\n'
        << "metric query_cost.max_wall_ms=" << number(max_wall) << '\n'
        << "metric query_cost.max_cpu_ms=" << number(max_cpu) << '\n'
        << "metric query_cost.max_ratio=" << number(max_wall / std::max(peer, 1e-9)) << '\n'
        << "metric query_cost.slowest=" << (slowest ? slowest->q->name : "") << '\n';
    return 0;
}

std::optional<QueryCostOptions> parse_query_cost_args(int argc, const char* const* argv,
                                                      std::ostream& out) {
    QueryCostOptions o;
    po::options_description desc(
        "Usage: revsearch-bench-query-cost --db DIR [options]\n"
        "Times adversarial queries within the server's limits, built from the index's own\n"
        "vocabulary, against two ordinary queries run in the same invocation.\n\n"
        "Options");
    desc.add_options()("help,h", "show this help")("db", po::value(&o.db)->required(),
                                                   "the revsearch index")(
        "passes", po::value(&o.passes)->default_value(o.passes),
        "timed runs per query (the median is reported)")("k", po::value(&o.k)->default_value(o.k),
                                                         "results per query")(
        "facets", "also count every facet, as the search page asks")(
        "no-budget",
        "lift the budget's limits (not the query length): what the budget saves; slow")(
        "only", po::value(&o.only)->composing(),
        "run only this query (repeatable), with the peers")("print", "print each query's text");
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
    o.facets = vm.count("facets") != 0;
    o.no_budget = vm.count("no-budget") != 0;
    o.print = vm.count("print") != 0;
    if (o.passes == 0 || o.k == 0) throw UsageError("--passes and --k must be positive");
    return o;
}

int query_cost_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    try {
        const auto options = parse_query_cost_args(argc, argv, out);
        if (!options) return 0;
        return run_query_cost(*options, out);
    } catch (const UsageError& e) {
        err << "revsearch-bench-query-cost: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Usage);
    } catch (const Xapian::Error& e) {
        err << "revsearch-bench-query-cost: error: " << e.get_description() << '\n';
        return static_cast<int>(ExitCode::Error);
    } catch (const std::exception& e) {
        err << "revsearch-bench-query-cost: error: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Error);
    }
}

}  // namespace revsearch::bench
