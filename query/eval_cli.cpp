#include "query/eval_cli.hpp"

#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "common/error.hpp"
#include "common/version.hpp"
#include "query/eval_plot.hpp"

namespace po = boost::program_options;

namespace revsearch::query::eval {

namespace {

constexpr const char* kUsage =
    "Usage: revsearch-eval [options] QRELS RUN [RUN2]\n"
    "Evaluate a TREC run (qid Q0 docid rank score tag) against relevance judgments with\n"
    "trec_eval's definitions: map, recip_rank, P_5, P_10, recall_100, recall_1000, ndcg_cut_10,\n"
    "ndcg_cut_1000. With RUN2, compare the runs per query on --metric (RUN2 minus RUN) with a\n"
    "paired t-test and a paired randomization test. docs/EVALUATION.md has the definitions.\n";

constexpr std::size_t kMaxTrials = 1000000000;

/// `--qrels-format`, `--grade-map`: how the judgments are read.
struct QrelsOptionGroup {
    std::string format = "auto";
    std::string grade_map;
    void add_to(po::options_description& desc) {
        desc.add_options()(
            "qrels-format", po::value(&format)->default_value(format),
            "auto, trec (qid iter docid rel), cranfield (qid docid code) or cacm (qid docid 0 0)")(
            "grade-map", po::value(&grade_map),
            "CODE=GRADE,... relevance codes to grades, over the defaults (cranfield: "
            "1=4,2=3,3=2,4=1,5=0,-1=0; others: the code is the grade)");
    }
};

/// `--format`, `--per-query`: what is printed.
struct ReportOptionGroup {
    std::string format = "text";
    bool per_query = false;
    void add_to(po::options_description& desc) {
        desc.add_options()("format", po::value(&format)->default_value(format), "text or json")(
            "per-query,q", po::bool_switch(&per_query), "also report every query");
    }
};

/// `--metric`, `--trials`, `--seed`, `--plot`: the two-run comparison.
struct ComparisonOptionGroup {
    std::string metric = "map";
    std::size_t trials = 100000;
    std::uint64_t seed = 1;
    std::string plot;
    void add_to(po::options_description& desc) {
        desc.add_options()("metric", po::value(&metric)->default_value(metric),
                           "measure to compare and test (a trec_eval name, or mrr, p@10, "
                           "ndcg@10, r@100, ...)")(
            "trials", po::value(&trials)->default_value(trials),
            "randomization test: random sign assignments (all 2^n when 2^n <= trials)")(
            "seed", po::value(&seed)->default_value(seed), "randomization test: generator seed")(
            "plot", po::value(&plot), "write an SVG bar chart of per-query differences to FILE");
    }
};

std::string fixed(double v, int decimals = 4) {
    if (std::isnan(v)) return "n/a";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string signed_fixed(double v, int decimals = 4) {
    if (std::isnan(v)) return "n/a";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%+.*f", decimals, v);
    return buf;
}

/// trec_eval's line: measure name left-aligned in 22 columns, a tab, the query id, a tab, the
/// value.
void trec_line(std::ostream& out, std::string_view measure, const std::string& qid,
               const std::string& value) {
    char name[64];
    std::snprintf(name, sizeof name, "%-22.*s", static_cast<int>(measure.size()), measure.data());
    out << name << '\t' << qid << '\t' << value << '\n';
}

void trec_lines(std::ostream& out, const QueryScores& s) {
    trec_line(out, "num_ret", s.qid, std::to_string(s.num_ret));
    trec_line(out, "num_rel", s.qid, std::to_string(s.num_rel));
    trec_line(out, "num_rel_ret", s.qid, std::to_string(s.num_rel_ret));
    for (Metric m : kMetrics) trec_line(out, metric_name(m), s.qid, fixed(s.value(m)));
}

void print_text_single(std::ostream& out, const Evaluation& e, bool per_query) {
    if (per_query) {
        for (const QueryScores& s : e.queries) trec_lines(out, s);
    }
    trec_line(out, "runid", "all", e.run_tag);
    trec_line(out, "num_q", "all", std::to_string(e.num_q()));
    trec_line(out, "num_ret", "all", std::to_string(e.num_ret));
    trec_line(out, "num_rel", "all", std::to_string(e.num_rel));
    trec_line(out, "num_rel_ret", "all", std::to_string(e.num_rel_ret));
    for (Metric m : kMetrics) trec_line(out, metric_name(m), "all", fixed(e.mean(m)));
}

void row(std::ostream& out, const std::string& a, const std::string& b, const std::string& c,
         const std::string& d) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%-16s %10s %10s %10s", a.c_str(), b.c_str(), c.c_str(),
                  d.c_str());
    std::string line = buf;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
}

std::string describe_randomization(const RandomizationTest& r) {
    if (r.exact) {
        return "exact, all " + std::to_string(r.trials) + " sign assignments";
    }
    return std::to_string(r.trials) + " random sign assignments, seed " + std::to_string(r.seed);
}

void print_text_pair(std::ostream& out, const EvalCliOptions& o, const Evaluation& base,
                     const Evaluation& other, const Comparison& c) {
    out << "run 1 (baseline): " << o.run_paths[0] << " (tag " << base.run_tag << ")\n";
    out << "run 2:            " << o.run_paths[1] << " (tag " << other.run_tag << ")\n\n";
    row(out, "measure", "run 1", "run 2", "difference");
    row(out, "num_q", std::to_string(base.num_q()), std::to_string(other.num_q()), "");
    for (Metric m : kMetrics) {
        row(out, std::string(metric_name(m)), fixed(base.mean(m)), fixed(other.mean(m)),
            signed_fixed(other.mean(m) - base.mean(m)));
    }
    const std::string metric(metric_name(c.metric));
    if (o.per_query) {
        out << '\n';
        row(out, "query", "run 1", "run 2", "difference");
        for (const PairedScore& q : c.queries) {
            row(out, q.qid, fixed(q.base), fixed(q.other), signed_fixed(q.difference()));
        }
    }
    out << '\n'
        << metric << ", run 2 minus run 1, over the " << c.queries.size()
        << " queries both runs are averaged on:\n";
    out << "  mean difference     " << signed_fixed(c.t_test.mean_difference) << '\n';
    out << "  paired t-test       t = " << fixed(c.t_test.t) << ", df = " << fixed(c.t_test.df, 0)
        << ", p = " << fixed(c.t_test.p) << '\n';
    out << "  randomization test  p = " << fixed(c.randomization.p) << " ("
        << describe_randomization(c.randomization) << ")\n";
}

nlohmann::json number_or_null(double v) {
    if (!std::isfinite(v)) return nullptr;
    return v;
}

nlohmann::json scores_json(const QueryScores& s) {
    nlohmann::json j = {{"qid", s.qid},
                        {"in_run", s.in_run},
                        {"num_ret", s.num_ret},
                        {"num_rel", s.num_rel},
                        {"num_rel_ret", s.num_rel_ret}};
    for (Metric m : kMetrics) j[std::string(metric_name(m))] = s.value(m);
    return j;
}

nlohmann::json evaluation_json(const std::string& file, const Evaluation& e, bool per_query) {
    nlohmann::json means = nlohmann::json::object();
    for (Metric m : kMetrics) means[std::string(metric_name(m))] = e.mean(m);
    nlohmann::json j = {{"file", file},
                        {"tag", e.run_tag},
                        {"num_q", e.num_q()},
                        {"num_ret", e.num_ret},
                        {"num_rel", e.num_rel},
                        {"num_rel_ret", e.num_rel_ret},
                        {"run_only_queries", e.run_only_queries},
                        {"means", means}};
    if (per_query) {
        nlohmann::json queries = nlohmann::json::array();
        for (const QueryScores& s : e.queries) queries.push_back(scores_json(s));
        j["per_query"] = queries;
    }
    return j;
}

nlohmann::json comparison_json(const Comparison& c, bool per_query) {
    nlohmann::json j = {{"metric", std::string(metric_name(c.metric))},
                        {"num_q", c.queries.size()},
                        {"base_only_queries", c.base_only},
                        {"other_only_queries", c.other_only},
                        {"mean_difference", number_or_null(c.t_test.mean_difference)},
                        {"t_test",
                         {{"t", number_or_null(c.t_test.t)},
                          {"df", c.t_test.df},
                          {"p", number_or_null(c.t_test.p)}}},
                        {"randomization",
                         {{"p", number_or_null(c.randomization.p)},
                          {"trials", c.randomization.trials},
                          {"seed", c.randomization.seed},
                          {"exact", c.randomization.exact}}}};
    if (per_query) {
        nlohmann::json queries = nlohmann::json::array();
        for (const PairedScore& q : c.queries) {
            queries.push_back({{"qid", q.qid},
                               {"base", q.base},
                               {"other", q.other},
                               {"difference", q.difference()}});
        }
        j["per_query"] = queries;
    }
    return j;
}

/// "1 query is" / "3 queries are".
std::string count_phrase(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + ' ' + (n == 1 ? one : many);
}

/// Notes on stderr about queries that were left out, so a short run is not mistaken for a
/// good one; stdout stays exactly the report.
void note_left_out(std::ostream& err, const std::string& run_path, const Qrels& qrels,
                   const Run& run, const Evaluation& e, bool complete) {
    if (e.run_only_queries > 0) {
        err << "revsearch-eval: " << run_path << ": "
            << count_phrase(e.run_only_queries, "query is", "queries are")
            << " not in the qrels: ignored\n";
    }
    if (!complete) {
        std::size_t missing = 0;
        for (const auto& [qid, judged] : qrels.queries) {
            if (run.queries.find(qid) == run.queries.end()) ++missing;
        }
        if (missing > 0) {
            err << "revsearch-eval: " << run_path << ": "
                << count_phrase(missing, "judged query has", "judged queries have")
                << " no results: not averaged (--complete scores them 0)\n";
        }
    }
}

}  // namespace

std::optional<EvalCliOptions> parse_command_line(int argc, const char* const* argv,
                                                 std::ostream& out) {
    QrelsOptionGroup qrels_group;
    ReportOptionGroup report_group;
    ComparisonOptionGroup comparison_group;
    bool complete = false;
    std::vector<std::string> files;

    po::options_description general("Options");
    general.add_options()("help,h", "show this help")("version", "show the version")(
        "complete,c", po::bool_switch(&complete),
        "average over every query in the qrels, a query missing from a run scoring 0 (trec_eval "
        "-c); default: only the queries both in the qrels and in the run");
    qrels_group.add_to(general);
    report_group.add_to(general);
    po::options_description comparison("Comparing two runs");
    comparison_group.add_to(comparison);
    po::options_description hidden;
    hidden.add_options()("file", po::value(&files));
    po::positional_options_description positional;
    positional.add("file", -1);
    po::options_description all;
    all.add(general).add(comparison).add(hidden);
    po::options_description visible;
    visible.add(general).add(comparison);

    const po::variables_map vm = cli::parse(argc, argv, all, positional);
    if (vm.count("help")) {
        out << kUsage << '\n' << visible << '\n';
        return std::nullopt;
    }
    if (vm.count("version")) {
        out << "revsearch-eval " << kVersion << '\n';
        return std::nullopt;
    }
    if (files.size() < 2 || files.size() > 3) {
        throw UsageError("expected QRELS RUN [RUN2], got " + std::to_string(files.size()) +
                         " file(s) (see --help)");
    }
    EvalCliOptions o;
    o.qrels_path = files[0];
    o.run_paths.assign(files.begin() + 1, files.end());
    o.qrels_format = parse_qrels_format(qrels_group.format);
    if (vm.count("grade-map")) o.grade_overrides = parse_grade_map(qrels_group.grade_map);
    o.eval.complete = complete;
    if (report_group.format == "text") {
        o.format = ReportFormat::Text;
    } else if (report_group.format == "json") {
        o.format = ReportFormat::Json;
    } else {
        throw UsageError("--format takes text or json, not '" + report_group.format + "'");
    }
    o.per_query = report_group.per_query;
    o.metric = parse_metric(comparison_group.metric);
    // An upper bound also catches "--trials -1", which the unsigned option wraps around.
    if (comparison_group.trials == 0 || comparison_group.trials > kMaxTrials) {
        throw UsageError("--trials must be 1 to " + std::to_string(kMaxTrials));
    }
    o.trials = comparison_group.trials;
    o.seed = comparison_group.seed;
    o.plot_path = comparison_group.plot;
    if (!o.plot_path.empty() && o.run_paths.size() != 2) {
        throw UsageError("--plot needs two runs to compare");
    }
    return o;
}

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    try {
        const std::optional<EvalCliOptions> o = parse_command_line(argc, argv, out);
        if (!o) return static_cast<int>(ExitCode::Ok);
        const Qrels qrels = read_qrels_file(o->qrels_path, o->qrels_format, o->grade_overrides);
        std::vector<Run> runs;
        std::vector<Evaluation> evaluations;
        for (const std::string& path : o->run_paths) {
            runs.push_back(read_run_file(path));
            try {
                evaluations.push_back(evaluate(qrels, runs.back(), o->eval));
            } catch (const Error& e) {
                throw Error(path + ": " + e.what());
            }
            note_left_out(err, path, qrels, runs.back(), evaluations.back(), o->eval.complete);
        }
        std::optional<Comparison> comparison;
        if (evaluations.size() == 2) {
            comparison = compare(evaluations[0], evaluations[1], o->metric, o->trials, o->seed);
            if (comparison->base_only + comparison->other_only > 0) {
                err << "revsearch-eval: "
                    << count_phrase(comparison->base_only + comparison->other_only, "query is",
                                    "queries are")
                    << " averaged for only one of the runs: left out of the comparison\n";
            }
            if (!o->plot_path.empty()) {
                write_difference_svg_file(
                    o->plot_path, *comparison,
                    {std::string(metric_name(o->metric)), o->run_paths[0], o->run_paths[1]});
            }
        }

        if (o->format == ReportFormat::Json) {
            GradeMap grades = default_grade_map(qrels.format);
            for (const auto& [code, grade] : o->grade_overrides) grades[code] = grade;
            nlohmann::json grade_map = nlohmann::json::object();
            for (const auto& [code, grade] : grades) grade_map[std::to_string(code)] = grade;
            nlohmann::json report = {{"qrels",
                                      {{"file", o->qrels_path},
                                       {"format", std::string(qrels_format_name(qrels.format))},
                                       {"queries", qrels.queries.size()},
                                       {"judgments", qrels.judgment_count},
                                       {"grade_map", grade_map}}},
                                     {"complete", o->eval.complete},
                                     {"runs", nlohmann::json::array()}};
            for (std::size_t i = 0; i < evaluations.size(); ++i) {
                report["runs"].push_back(
                    evaluation_json(o->run_paths[i], evaluations[i], o->per_query));
            }
            if (comparison) report["comparison"] = comparison_json(*comparison, o->per_query);
            out << report.dump() << '\n';
        } else if (comparison) {
            print_text_pair(out, *o, evaluations[0], evaluations[1], *comparison);
        } else {
            print_text_single(out, evaluations[0], o->per_query);
        }
        out.flush();
        return static_cast<int>(ExitCode::Ok);
    } catch (const UsageError& e) {
        err << "revsearch-eval: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Usage);
    } catch (const std::exception& e) {
        err << "revsearch-eval: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Error);
    }
}

}  // namespace revsearch::query::eval
