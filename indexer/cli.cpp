#include "indexer/cli.hpp"

#include <boost/program_options.hpp>
#include <cmath>
#include <xapian.h>

#include "common/cli.hpp"
#include "common/error.hpp"
#include "common/version.hpp"
#include "corpus/csv_reader.hpp"

namespace po = boost::program_options;

namespace revsearch::indexer {

namespace {

constexpr const char* kUsage =
    "Usage: revsearch-index [options] INPUT...\n"
    "Index review files, directories (walked recursively) into a Xapian database.\n"
    "Re-indexing replaces reviews by id, so running the same command twice is harmless.\n";

ProgressMode parse_progress(const std::string& s) {
    if (s == "auto") return ProgressMode::Auto;
    if (s == "bar") return ProgressMode::Bar;
    if (s == "log") return ProgressMode::Log;
    if (s == "none") return ProgressMode::None;
    throw UsageError("--progress takes auto, bar, log or none, not '" + s + "'");
}

}  // namespace

std::optional<IndexOptions> parse_command_line(int argc, const char* const* argv,
                                               std::ostream& out) {
    IndexOptions options;
    cli::DatabaseOptions db;
    cli::AnalyzerOptions analyzer;
    std::string format = "auto";
    std::string encoding = "auto";
    std::string progress = "auto";
    double batch_mb = 0;
    std::string path_fields, csv_map;
    std::vector<std::string> path_lookups;
    std::size_t max_record_bytes = options.walk.max_record_bytes;

    po::options_description general("Options");
    general.add_options()("help,h", "show this help")("version", "show the version")(
        "list-languages", "list the stemming languages");
    db.add_to(general);
    general.add_options()(
        "format", po::value(&format)->default_value(format),
        "input format: auto (detect per file), jsonl, page, amazon, review, text, trec, smart, "
        "csv or tsv")(
        "path-fields", po::value(&path_fields),
        "take fields from file paths, e.g. '{reviewer}/{category}/{id}.txt', or 'aclimdb'")(
        "path-lookup", po::value(&path_lookups)->composing(),
        "fill a field from a line of a side file, e.g. 'product=../urls_{label}.txt#{id}'")(
        "map", po::value(&csv_map), "CSV/TSV columns for review fields: field=column,...")(
        "encoding", po::value(&encoding)->default_value(encoding),
        "text encoding: auto (UTF-8 kept; a byte order mark decides; other files, lines or "
        "records detected, windows-1252 as the fallback), utf-8 (reject what is not), or a "
        "name such as windows-1252, latin1, UTF-16LE, koi8-r")(
        "max-record-bytes", po::value(&max_record_bytes)->default_value(max_record_bytes),
        "reject records larger than this many bytes (0: no limit)")(
        "topics", po::value(&options.topics_file),
        "topic lexicon (TOML) replacing the built-in one")(
        "no-topics", po::bool_switch(), "do not tag topics from a lexicon")(
        "rating-scale", po::value<double>(),
        "the scale of ratings that come without one, e.g. 10 for ratings out of 10 (without it "
        "they are kept as given but in no rating range, sort or facet)")(
        "threads", po::value(&options.threads)->default_value(0),
        "threads that build and write documents (0: one per core)")(
        "shards", po::value(&options.shards)->default_value(0),
        "write this many shard databases, listed by a stub at --db (0: one database)")(
        "no-compact",
        "keep a fresh parallel build's databases apart (listed by a stub) instead of "
        "compacting them into one")(
        "plain-records",
        "store reviews as plain JSON, not compressed with a dictionary trained on the corpus "
        "(for other tools that read the database)")(
        "batch-records", po::value(&options.batch_records),
        "commit after this many records (default: 10000 when updating an index, 5000 per "
        "part in a fresh build)")(
        "batch-mb", po::value(&batch_mb),
        "...or after this many MB of review text, whichever comes first (default: 64 when "
        "updating, 16 per part); with the threads, this bounds the memory")(
        "rejects", po::value(&options.rejects_file),
        "also append rejected records to this file as JSON lines")(
        "no-spelling", "do not build spelling data (\"did you mean\" suggestions)")(
        "skip-unchanged", po::bool_switch(&options.skip_unchanged),
        "skip input files whose size and time match an earlier complete run")(
        "delete", po::value(&options.delete_ids)->multitoken(), "remove the reviews with these ids")(
        "delete-missing", po::bool_switch(&options.delete_missing),
        "remove reviews whose input file no longer holds them")(
        "progress", po::value(&progress)->default_value(progress),
        "auto (a bar on a terminal, log lines otherwise), bar, log or none");
    analyzer.add_to(general);
    po::options_description hidden;
    hidden.add_options()("input", po::value(&options.inputs));
    po::positional_options_description positional;
    positional.add("input", -1);

    po::options_description all;
    all.add(general).add(hidden);
    const po::variables_map vm = cli::parse(argc, argv, all, positional);
    if (vm.count("help")) {
        out << kUsage << '\n' << general << '\n';
        return std::nullopt;
    }
    if (vm.count("version")) {
        out << "revsearch-index " << kVersion << '\n';
        return std::nullopt;
    }
    if (vm.count("list-languages")) {
        for (const auto& lang : available_languages()) out << lang << '\n';
        return std::nullopt;
    }
    if (options.inputs.empty() && options.delete_ids.empty()) {
        throw UsageError("no inputs given (see --help)");
    }
    if ((vm.count("batch-records") && options.batch_records == 0) ||
        (vm.count("batch-mb") && batch_mb <= 0)) {
        throw UsageError("--batch-records and --batch-mb must be positive");
    }
    if (options.threads > 256 || options.shards > 1024) {
        throw UsageError("--threads takes at most 256 and --shards at most 1024");
    }
    options.compact = vm.count("no-compact") == 0;
    options.compress_records = vm.count("plain-records") == 0;
    options.db_path = db.path;
    options.walk.format = corpus::parse_format(format);
    options.walk.encoding = corpus::EncodingPolicy::parse(encoding);
    options.walk.max_record_bytes = max_record_bytes;
    options.walk.csv_mapping = corpus::CsvReader::parse_mapping(csv_map);
    if (!path_fields.empty()) options.walk.path_template = corpus::PathTemplate::parse(path_fields);
    if (!path_lookups.empty()) {
        if (!options.walk.path_template) throw UsageError("--path-lookup needs --path-fields");
        for (const auto& lookup : path_lookups) options.walk.path_template->add_lookup(lookup);
    }
    if (vm.count("rating-scale")) {
        const double scale = vm["rating-scale"].as<double>();
        if (!(scale > 0) || !std::isfinite(scale)) {
            throw UsageError("--rating-scale must be a positive number");
        }
        options.rating_scale = scale;
    }
    options.progress = parse_progress(progress);
    options.tag_topics = !vm["no-topics"].as<bool>();
    options.spelling = vm.count("no-spelling") == 0;
    options.batch_bytes = static_cast<std::uint64_t>(batch_mb * (1 << 20));  // 0: the default
    options.analyzer = analyzer.settings();
    options.analyzer_explicit = !vm["language"].defaulted() || !vm["stopwords"].defaulted() ||
                                !vm["positions"].defaulted() || !vm["stem-overrides"].defaulted() ||
                                vm.count("title-layout") != 0;
    options.title_layout_explicit = vm.count("title-layout") != 0;
    return options;
}

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    try {
        const std::optional<IndexOptions> options = parse_command_line(argc, argv, out);
        if (!options) return static_cast<int>(ExitCode::Ok);
        IndexJob job(*options, err);
        const IndexSummary summary = job.run();
        summary.print(err, options->db_path);
        return summary.exit_code();
    } catch (const UsageError& e) {
        err << "revsearch-index: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Usage);
    } catch (const Error& e) {
        err << "revsearch-index: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Error);
    } catch (const Xapian::Error& e) {
        err << "revsearch-index: " << e.get_description() << '\n';
        return static_cast<int>(ExitCode::Error);
    } catch (const std::exception& e) {
        err << "revsearch-index: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Error);
    }
}

}  // namespace revsearch::indexer
