#include "bench/effectiveness_grid.hpp"

#include <boost/program_options.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/error.hpp"
#include "common/text.hpp"
#include "query/batch.hpp"
#include "query/evaluation.hpp"
#include "query/searcher.hpp"

namespace po = boost::program_options;

namespace revsearch::bench {

namespace {

std::string four(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return buf;
}

}  // namespace

std::vector<GridSetting> read_grid_settings(std::istream& in, const std::string& name) {
    std::vector<GridSetting> settings;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::string trimmed = text::trim(line);
        if (trimmed.empty() || trimmed[0] == '#') continue;
        std::istringstream fields(trimmed);
        GridSetting s;
        std::string extra;
        if (!(fields >> s.weighting >> s.prf) || (fields >> extra)) {
            throw UsageError(name + ":" + std::to_string(number) +
                             ": expected WEIGHTING PRF, not '" + trimmed + "'");
        }
        // Checked here, before any setting runs, so a typo in line 700 fails at once.
        (void)query::WeightingSpec::parse(s.weighting);
        (void)query::PrfParams::parse(s.prf);
        settings.push_back(std::move(s));
    }
    return settings;
}

int run_effectiveness_grid(const EffectivenessGridOptions& options,
                           const std::vector<GridSetting>& settings, std::ostream& out) {
    std::ifstream topics_in(options.queries_file);
    if (!topics_in) throw UsageError("cannot read queries file " + options.queries_file);
    const std::vector<query::Topic> topics =
        query::read_topics(topics_in, options.queries_file, options.number_by_position);
    const query::eval::Qrels qrels =
        query::eval::read_qrels_file(options.qrels_file, query::eval::QrelsFormat::Auto, {});
    std::ofstream per_query;
    if (!options.per_query.empty()) {
        per_query.open(options.per_query, std::ios::app);
        if (!per_query) throw UsageError("--per-query: cannot write " + options.per_query);
    }
    query::Searcher searcher(options.db);
    // revsearch-query --queries: plain parsing, the given depth, a TREC run.
    query::SearchRequest request;
    request.parse = query::ParseMode::Plain;
    request.k = options.depth;
    query::PrintOptions print;
    print.format = query::OutputFormat::Trec;
    for (const GridSetting& setting : settings) {
        request.weighting = query::WeightingSpec::parse(setting.weighting);
        request.prf = query::PrfParams::parse(setting.prf);
        // Through the run's text, as revsearch-eval reads it: the printed scores' precision
        // decides ties exactly as it does for a run file.
        std::ostringstream run_text;
        query::run_batch(searcher, topics, request, print, run_text, nullptr, nullptr);
        std::istringstream run_in(run_text.str());
        const query::eval::Run run = query::eval::read_run(run_in, setting.weighting);
        const query::eval::Evaluation e = query::eval::evaluate(qrels, run, {});
        using query::eval::Metric;
        out << options.label << '\t' << setting.weighting << '\t' << setting.prf << '\t'
            << four(e.mean(Metric::Map)) << '\t' << four(e.mean(Metric::NdcgCut1000)) << '\t'
            << four(e.mean(Metric::P10)) << '\t' << four(e.mean(Metric::Recall1000)) << '\n'
            << std::flush;
        if (per_query.is_open()) {
            char ap[32];
            for (const query::eval::QueryScores& q : e.queries) {
                std::snprintf(ap, sizeof ap, "%.6f", q.value(Metric::Map));
                per_query << options.label << '\t' << setting.weighting << '\t' << setting.prf
                          << '\t' << q.qid << '\t' << ap << '\n';
            }
        }
    }
    return 0;
}

std::optional<EffectivenessGridOptions> parse_effectiveness_grid_args(int argc,
                                                                      const char* const* argv,
                                                                      std::ostream& out) {
    EffectivenessGridOptions o;
    po::options_description desc(
        "Usage: revsearch-effectiveness-grid --db DIR --queries FILE --qrels FILE [options] < "
        "SETTINGS\n"
        "Runs ranking settings (lines of `WEIGHTING PRF`, e.g. `bm25:k1=1.2,b=0.75 "
        "rm3:10:20:0.3`)\n"
        "over one index and query set as revsearch-query --queries does, scores each run as\n"
        "revsearch-eval does, and prints one line per setting:\n"
        "LABEL WEIGHTING PRF map ndcg_cut_1000 P_10 recall_1000 (tab-separated).\n\n"
        "Options");
    desc.add_options()("help,h", "show this help")("db", po::value(&o.db)->required(),
                                                   "the revsearch index")(
        "queries", po::value(&o.queries_file)->required(),
        "TREC topics, SMART queries or qid<TAB>text")(
        "number-by-position", po::bool_switch(&o.number_by_position),
        "number SMART queries 1, 2, ... by position (Cranfield's judgments do)")(
        "qrels", po::value(&o.qrels_file)->required(),
        "relevance judgments (any layout revsearch-eval reads)")(
        "label", po::value(&o.label)->default_value(o.label), "first column of every line")(
        "settings", po::value(&o.settings_file)->default_value("-"),
        "the settings file (- : stdin)")("per-query", po::value(&o.per_query),
                                         "append every query's AP to this file")(
        "depth", po::value(&o.depth)->default_value(o.depth), "results per query");
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
    if (o.depth == 0) throw UsageError("--depth must be positive");
    return o;
}

int effectiveness_grid_main(int argc, const char* const* argv, std::istream& in, std::ostream& out,
                            std::ostream& err) {
    try {
        const std::optional<EffectivenessGridOptions> options =
            parse_effectiveness_grid_args(argc, argv, out);
        if (!options) return 0;
        std::vector<GridSetting> settings;
        if (options->settings_file == "-") {
            settings = read_grid_settings(in, "stdin");
        } else {
            std::ifstream file(options->settings_file);
            if (!file) throw UsageError("cannot read settings file " + options->settings_file);
            settings = read_grid_settings(file, options->settings_file);
        }
        return run_effectiveness_grid(*options, settings, out);
    } catch (const UsageError& e) {
        err << "revsearch-effectiveness-grid: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Usage);
    } catch (const std::exception& e) {
        err << "revsearch-effectiveness-grid: error: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Error);
    }
}

}  // namespace revsearch::bench
