#include "query/cli.hpp"

#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <xapian.h>

#include "common/cli.hpp"
#include "common/error.hpp"
#include "common/version.hpp"
#include "common/text.hpp"
#include "query/batch.hpp"
#include "query/repl.hpp"
#include "query/index_check.hpp"
#include "query/stats.hpp"

namespace po = boost::program_options;

namespace revsearch::query {

namespace {

constexpr const char* kUsage =
    "Usage: revsearch-query [options] [QUERY...]\n"
    "Search a revsearch index. With no query on a terminal, or with --repl, opens the REPL.\n"
    "Query syntax: words, \"phrases\", AND OR NOT, +required -excluded, wild*, and the fields\n"
    "title: body: reviewer: product: by: topic: category: id: dup: date:2015..2016-06\n"
    "rating:4..5 (ratings on one 0-5 scale: 8 of 10 is 4)\n"
    "topic:burnout>=2 (tagged, with 2+ mentions per 1,000 words)\n";

}  // namespace

std::optional<QueryOptions> parse_command_line(int argc, const char* const* argv,
                                               std::ostream& out, bool terminal) {
    QueryOptions o;
    cli::DatabaseOptions db;
    std::vector<std::string> words;
    std::string format = "text", highlight, sort = "relevance", parse = "syntax";
    std::string weighting = "bm25", field_weights, prf, synonyms, facets;
    double k1 = -1, b = -1;
    std::string serve;
    ServerOptions server;
    int request_timeout = static_cast<int>(server.request_timeout.count());

    po::options_description general("Options");
    general.add_options()("help,h", "show this help")("version", "show the version");
    db.add_to(general);
    general.add_options()("top,k", po::value(&o.request.k)->default_value(o.request.k),
                          "number of results")(
        "offset", po::value(&o.request.offset)->default_value(0), "skip this many results")(
        "sort", po::value(&sort)->default_value(sort),
        "relevance, date, rating, or topic:NAME (the strongest mentions of a topic first)")(
        "and", po::bool_switch(&o.request.default_and), "require every word (default: any word, ranked)")(
        "distinct", po::bool_switch(&o.request.distinct),
        "collapse duplicates: the copies of one review (same reviewer, date and words) are one "
        "result and count once")(
        "parse", po::value(&parse)->default_value(parse),
        "syntax (the query language) or plain (words only)")(
        "weighting", po::value(&weighting)->default_value(weighting),
        "ranking: bm25, bm25+, lm, pl2, dph, tfidf or bm25std, with parameters as "
        "SCHEME:name=value,... (see README)")(
        "k1", po::value(&k1), "BM25 k1 (shorthand for --weighting bm25:k1=...)")(
        "b", po::value(&b), "BM25 b")(
        "field-weight", po::value(&field_weights),
        "weigh text fields at query time, e.g. title=2,body=1")(
        "prf", po::value(&prf),
        "pseudo-relevance feedback: [rm3:|bo1:]DOCS:TERMS[:WEIGHT], or off (batch mode's default "
        "is in the README)")(
        "like", po::value(&o.request.like_id),
        "reviews like the review with this id; with a query, among the reviews it matches")(
        "facets", po::value(&facets),
        "count matches by topic, reviewer, category, year, rating; topic>=N counts only "
        "reviews with at least N mentions of the topic per 1,000 words")(
        "facet-limit", po::value(&o.request.facet_limit)->default_value(o.request.facet_limit),
        "values shown per facet")("explain", po::bool_switch(&o.request.explain),
                                  "show each term's part in each score")(
        "synonyms", po::value(&synonyms), "expand query words with groups from this file")(
        "no-suggest", "do not suggest spelling corrections")(
        "queries", po::value(&o.queries_file),
        "batch: run every query of this file (TREC topics, SMART, or qid<TAB>text) as a TREC run")(
        "number-by-position", po::bool_switch(&o.number_by_position),
        "batch: number SMART queries 1, 2, ... by position (Cranfield's judgments do)")(
        "manifest", po::bool_switch(&o.manifest),
        "batch: start the run with the manifest as # lines")(
        "format", po::value(&format)->default_value(format), "text, json or trec")(
        "highlight", po::value(&highlight),
        "ansi, html, plain or none (default: ansi on a terminal; html for json; plain otherwise)")(
        "snippet-chars",
        po::value(&o.request.snippet_chars)->default_value(o.request.snippet_chars),
        "snippet length in bytes")("no-snippets", "leave snippets out")(
        "qid", po::value(&o.print.qid)->default_value(o.print.qid), "query id for --format trec")(
        "run-tag", po::value(&o.print.run_tag)->default_value(o.print.run_tag),
        "run tag for --format trec")("repl", po::bool_switch(&o.repl), "open the interactive REPL")(
        "stats", po::bool_switch(&o.stats),
        "describe the index: counts, fields, topics, sources, rejects (text or json)")(
        "check", po::bool_switch(&o.check),
        "check every table and read every record back: exit 0 when the index is sound, 1 when "
        "it is damaged");
    unsigned timeout_ms = o.open.timeout_ms;
    general.add_options()(
        "allow-partial", po::bool_switch(&o.open.allow_partial),
        "sharded index: search the shards that answer and warn about the others")(
        "timeout", po::value(&timeout_ms)->default_value(timeout_ms),
        "sharded index: milliseconds a remote shard may take to connect or answer (0: no limit)");
    QueryBudget& budget = o.request.budget;
    std::uint64_t max_cost = budget.max_cost;
    po::options_description cost("Query cost (searches, the REPL, batch runs and --serve alike)");
    cost.add_options()("max-query-bytes",
                       po::value(&budget.max_query_bytes)->default_value(budget.max_query_bytes),
                       "longest query text")(
        "max-query-terms", po::value(&budget.max_terms)->default_value(budget.max_terms),
        "most terms in a query (a word of the default field counts twice: body and title)")(
        "max-phrase-words",
        po::value(&budget.max_phrase_words)->default_value(budget.max_phrase_words),
        "most words in one phrase or NEAR")(
        "max-query-depth", po::value(&budget.max_depth)->default_value(budget.max_depth),
        "deepest nesting of brackets and operators")(
        "max-wildcard-terms",
        po::value(&budget.max_wildcard_terms)->default_value(budget.max_wildcard_terms),
        "most index terms the query's wildcards expand to, all together")(
        "max-query-cost", po::value(&max_cost)->default_value(max_cost),
        "most a query may cost, in postings read (a wildcard's count 4 times, and each phrase "
        "check 40 + 8 per word)")(
        "exact-count-limit",
        po::value(&o.request.exact_count_limit)->default_value(o.request.exact_count_limit),
        "count matches exactly up to this many; past it print Xapian's estimate and bounds");
    general.add(cost);
    po::options_description serving("Serving (--serve)");
    serving.add_options()(
        "serve", po::value(&serve),
        "serve the HTTP API and search page on [ADDR:]PORT (address 127.0.0.1 unless given; "
        "port 0 picks a free one)")("threads",
                                    po::value(&server.threads)->default_value(server.threads),
                                    "request threads (and searchers)")(
        "max-k", po::value(&server.max_k)->default_value(server.max_k), "most results per request")(
        "max-offset", po::value(&server.max_offset)->default_value(server.max_offset),
        "deepest result a request may start from")(
        "max-filters", po::value(&server.max_filters)->default_value(server.max_filters),
        "most filters per request")(
        "request-timeout", po::value(&request_timeout)->default_value(request_timeout),
        "seconds a client may take to send a request or read a response, and a request may wait "
        "for a free searcher")(
        "max-connections-per-client",
        po::value(&server.max_connections_per_client)
            ->default_value(server.max_connections_per_client),
        "most connections served at once for one client address (past it: 503)")(
        "max-queued-connections",
        po::value(&server.max_queued_connections)->default_value(server.max_queued_connections),
        "most connections waiting for a thread (past it: 503 at once)")(
        "max-requests-per-client",
        po::value(&server.max_requests_per_client)->default_value(server.max_requests_per_client),
        "most requests in flight at once for one client address (past it: 429)")(
        "expensive-slots",
        po::value(&server.expensive_slots)->default_value(server.expensive_slots),
        "most searches with facets, wildcards, phrases or NEAR running at once (0: threads / 4, "
        "at least 1); one waits 250 ms for a slot, then 503");
    general.add(serving);
    po::options_description hidden;
    hidden.add_options()("query", po::value(&words));
    po::positional_options_description positional;
    positional.add("query", -1);
    po::options_description all;
    all.add(general).add(hidden);
    const po::variables_map vm = cli::parse(argc, argv, all, positional);
    if (vm.count("help")) {
        out << kUsage << '\n' << general << '\n';
        return std::nullopt;
    }
    if (vm.count("version")) {
        out << "revsearch-query " << kVersion << '\n';
        return std::nullopt;
    }
    o.db_path = db.path;
    budget.max_cost = max_cost;
    if (budget.max_query_bytes == 0 || budget.max_query_bytes > 8192) {
        throw UsageError("--max-query-bytes must be 1 to 8192");
    }
    if (budget.max_terms == 0 || budget.max_phrase_words < 2 || budget.max_depth == 0 ||
        budget.max_cost == 0) {
        throw UsageError(
            "--max-query-terms, --max-query-depth and --max-query-cost must be at "
            "least 1, --max-phrase-words at least 2");
    }
    o.open.timeout_ms = timeout_ms;
    o.open.connect_timeout_ms = timeout_ms;
    for (const auto& w : words) o.request.query += (o.request.query.empty() ? "" : " ") + w;
    set_sort(o.request, sort);
    o.request.weighting = WeightingSpec::parse(weighting);
    if (k1 >= 0 || b >= 0) {
        if (o.request.weighting.scheme != "bm25" && o.request.weighting.scheme != "bm25+" &&
            o.request.weighting.scheme != "bm25std") {
            throw UsageError("--k1 and --b apply to bm25, bm25+ and bm25std");
        }
        if (k1 >= 0) o.request.weighting.params["k1"] = k1;
        if (b >= 0) {
            if (b > 1) throw UsageError("BM25 needs 0 <= b <= 1");
            o.request.weighting.params["b"] = b;
        }
    }
    if (!field_weights.empty()) o.request.field_weights = parse_field_weights(field_weights);
    if (!prf.empty()) o.request.prf = PrfParams::parse(prf);
    if (!facets.empty()) {
        for (const std::string& f : text::split(facets, ',')) {
            if (!f.empty()) o.request.facets.push_back(text::trim(f));
        }
    }
    if (!synonyms.empty()) o.request.synonyms = std::make_shared<SynonymTable>(SynonymTable::load(synonyms));
    o.request.suggest = vm.count("no-suggest") == 0;
    const bool batch = !o.queries_file.empty();
    if (batch && vm["parse"].defaulted()) parse = "plain";  // test collections are free text
    if (batch && vm["top"].defaulted()) o.request.k = 1000;
    if (batch && prf.empty()) o.request.prf = batch_default_prf();  // `--prf off` turns it off
    if (batch && vm["format"].defaulted()) format = "trec";
    if (parse == "plain") {
        o.request.parse = ParseMode::Plain;
    } else if (parse != "syntax") {
        throw UsageError("--parse takes syntax or plain, not '" + parse + "'");
    }
    o.request.snippets = vm.count("no-snippets") == 0;
    if (o.request.k == 0 || o.request.k > 100000) throw UsageError("--top must be 1 to 100000");
    o.print.format = parse_output_format(format);
    o.highlight_given = !highlight.empty();
    if (o.highlight_given) {
        o.print.highlight = parse_highlight(highlight);
    } else if (o.print.format == OutputFormat::Json) {
        o.print.highlight = Highlight::Html;
    } else {
        o.print.highlight = terminal ? Highlight::Ansi : Highlight::Plain;
    }
    o.print.color = terminal && o.print.format == OutputFormat::Text;
    if (vm.count("serve")) {
        if (!words.empty() || o.repl || o.stats || batch) {
            throw UsageError("--serve takes no query, --repl, --stats or --queries");
        }
        server.listen = parse_listen_address(serve);
        if (server.threads == 0 || server.threads > 256) throw UsageError("--threads must be 1 to 256");
        if (server.max_k == 0 || server.max_k > 10000) throw UsageError("--max-k must be 1 to 10000");
        if (server.max_offset > 10000000) throw UsageError("--max-offset must be at most 10000000");
        if (server.max_filters > 100) throw UsageError("--max-filters must be at most 100");
        server.max_query_bytes = budget.max_query_bytes;
        if (request_timeout < 1 || request_timeout > 3600) {
            throw UsageError("--request-timeout must be 1 to 3600 seconds");
        }
        server.request_timeout = std::chrono::seconds(request_timeout);
        if (server.max_connections_per_client == 0 || server.max_connections_per_client > 10000) {
            throw UsageError("--max-connections-per-client must be 1 to 10000");
        }
        if (server.max_requests_per_client == 0 || server.max_requests_per_client > 10000) {
            throw UsageError("--max-requests-per-client must be 1 to 10000");
        }
        if (server.expensive_slots > 256) throw UsageError("--expensive-slots must be at most 256");
        if (server.max_queued_connections > 100000) {
            throw UsageError("--max-queued-connections must be at most 100000");
        }
        // Headers get half the request time, at most 5 s: a slow client cannot hold a thread
        // longer than that before it has even asked for something.
        server.header_timeout = std::min<std::chrono::milliseconds>(
            std::chrono::seconds(5), std::chrono::milliseconds(request_timeout * 500));
        server.defaults = o.request;
        server.open = o.open;
        o.serve = server;
    }
    return o;
}

int run(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err) {
    try {
        const bool out_terminal = &out == &std::cout && cli::is_terminal(1);
        const bool in_terminal = &in == &std::cin && cli::is_terminal(0);
        std::optional<QueryOptions> o = parse_command_line(argc, argv, out, out_terminal);
        if (!o) return static_cast<int>(ExitCode::Ok);
        if (o->serve) {
            o->serve->log = &err;
            return serve(o->db_path, *o->serve, err);
        }
        if (o->check) {
            const CheckReport report = check_index(o->db_path);
            print_check(out, o->db_path, report);
            return static_cast<int>(report.sound() ? ExitCode::Ok : ExitCode::Error);
        }
        if (o->stats) {
            // --stats reports every shard, reachable or not; a shard down is still an error
            // unless --allow-partial.
            OpenOptions open = o->open;
            open.allow_partial = true;
            const Searcher searcher(o->db_path, open);
            print_stats(out, searcher, o->print.format);
            const std::vector<std::string> missing = searcher.open_warnings();
            for (const std::string& w : missing) err << "revsearch-query: warning: " << w << '\n';
            return static_cast<int>(missing.empty() || o->open.allow_partial ? ExitCode::Ok : ExitCode::Error);
        }
        Searcher searcher(o->db_path, o->open);
        if (!o->queries_file.empty()) {
            std::ifstream topics_in(o->queries_file);
            if (!topics_in) throw UsageError("cannot read queries file " + o->queries_file);
            const auto topics = read_topics(topics_in, o->queries_file, o->number_by_position);
            if (o->manifest) out << run_manifest(searcher, o->request);
            const bool show = &err == &std::cerr && cli::is_terminal(2);
            const std::size_t failed =
                run_batch(searcher, topics, o->request, o->print, out, show ? &err : nullptr, &err);
            return static_cast<int>(failed == 0 ? ExitCode::Ok : ExitCode::Usage);
        }
        // --like is a search of its own: with no query it needs none.
        const bool nothing_asked = o->request.query.empty() && o->request.like_id.empty();
        const bool repl = o->repl || (nothing_asked && in_terminal);
        if (!repl) {
            if (nothing_asked) throw UsageError("no query given (see --help, or use --repl)");
            const SearchResult result = searcher.search(o->request);
            print_results(out, result, o->print);
            if (!result.suggestion.empty() && o->print.format != OutputFormat::Text) {
                err << "did you mean: " << result.suggestion << '\n';
            }
            for (const std::string& w : result.warnings) err << "revsearch-query: warning: " << w << '\n';
            for (const std::string& n : result.notices)
                err << "revsearch-query: note: " << n << '\n';
            return static_cast<int>(ExitCode::Ok);
        }
        // Piped input gets no prompt and no colour, so scripts read clean output.
        const bool interactive = in_terminal && out_terminal;
        if (!interactive) {
            o->print.color = false;
            if (!o->highlight_given && o->print.highlight == Highlight::Ansi) {
                o->print.highlight = Highlight::Plain;
            }
        }
        Repl session(searcher, o->request, o->print, out, err);
        if (interactive) {
            out << "revsearch " << kVersion << ": " << searcher.doc_count()
                << " reviews. Type a query, or :help.\n";
            ReadlineLineReader reader("revsearch> ");
            if (!o->request.query.empty()) session.handle_line(o->request.query);
            return session.run(reader);
        }
        if (!o->request.query.empty()) session.handle_line(o->request.query);
        return session.run(in);
    } catch (const QueryError& e) {
        err << "revsearch-query: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Usage);
    } catch (const UsageError& e) {
        err << "revsearch-query: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Usage);
    } catch (const Error& e) {
        err << "revsearch-query: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Error);
    } catch (const Xapian::Error& e) {
        err << "revsearch-query: " << e.get_description() << '\n';
        return static_cast<int>(ExitCode::Error);
    } catch (const std::exception& e) {
        err << "revsearch-query: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Error);
    }
}

}  // namespace revsearch::query
