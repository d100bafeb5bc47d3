#include "indexer/index_job.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "common/error.hpp"
#include "common/progress.hpp"
#include "common/schema.hpp"
#include "common/version.hpp"
#include "corpus/inputs.hpp"
#include "corpus/topic_tagger.hpp"
#include "indexer/document_builder.hpp"

namespace revsearch::indexer {

using nlohmann::json;

namespace {

std::uint64_t id_hash(const std::string& id) {
    return std::hash<std::string>{}(id);
}

/// Receives records from the readers and writes them. Keeps the run's counts.
class IndexSink final : public corpus::RecordSink {
public:
    IndexSink(const IndexOptions& options, IndexWriter& writer, DocumentBuilder& builder,
              const corpus::TopicTagger* tagger, std::ostream& log, std::ostream* rejects,
              IndexSummary& summary, Progress& progress)
        : options_(options),
          writer_(writer),
          builder_(builder),
          tagger_(tagger),
          log_(log),
          rejects_(rejects),
          summary_(summary),
          progress_(progress) {}

    void on_review(Review&& review) override {
        ++summary_.read;
        if (tagger_ != nullptr) tagger_->tag(review);
        const std::string term = schema::id_term(review.id);
        const bool repeated = !seen_.insert(id_hash(term)).second;
        const Xapian::Document doc = builder_.build(review);
        if (writer_.put(term, doc)) {
            ++summary_.replaced;
            if (repeated) {
                ++summary_.duplicates;
                log_ << review.source << ": note: id '" << review.id
                     << "' repeats an earlier record of this run; the last one wins\n";
            }
        } else {
            ++summary_.added;
        }
        pending_records_ += 1;
        pending_bytes_ += review.body.size() + review.title.size();
        if (pending_records_ >= options_.batch_records || pending_bytes_ >= options_.batch_bytes) {
            writer_.commit();
            pending_records_ = 0;
            pending_bytes_ = 0;
        }
        progress_.update(summary_.read, summary_.bytes + file_bytes_hint_);
    }

    void on_reject(Reject&& reject) override {
        ++summary_.read;
        ++summary_.rejected;
        ++summary_.rejects_by_reason[reject.reason];
        log_ << reject.source << ": rejected: " << reject.reason << '\n';
        if (rejects_ != nullptr) {
            *rejects_ << json{{"source", reject.source}, {"reason", reject.reason}, {"raw", reject.raw}}
                             .dump(-1, ' ', false, json::error_handler_t::replace)
                      << '\n';
        }
    }

    void set_file_bytes_hint(std::uint64_t bytes) { file_bytes_hint_ = bytes; }

private:
    const IndexOptions& options_;
    IndexWriter& writer_;
    DocumentBuilder& builder_;
    const corpus::TopicTagger* tagger_;
    std::ostream& log_;
    std::ostream* rejects_;
    IndexSummary& summary_;
    Progress& progress_;
    std::unordered_set<std::uint64_t> seen_;
    std::uint64_t pending_records_ = 0;
    std::uint64_t pending_bytes_ = 0;
    std::uint64_t file_bytes_hint_ = 0;
};

/// The analyzer to index with: the one the index already has, unless the user named another,
/// which is refused when the index already holds documents.
AnalyzerSettings resolve_analyzer(const IndexOptions& options, IndexWriter& writer) {
    const std::string stored = writer.get_metadata(std::string(schema::kMetaAnalyzer));
    if (stored.empty()) return options.analyzer;
    AnalyzerSettings existing = AnalyzerSettings::from_json(stored);
    if (options.analyzer_explicit && !(existing == options.analyzer) && writer.doc_count() > 0) {
        throw UsageError("the index at " + options.db_path + " was built with language '" +
                         existing.language + "' and stop words '" + existing.stopwords_name +
                         "'; index into a new --db to change the analyzer");
    }
    return existing;
}

}  // namespace

void IndexSummary::print(std::ostream& out, const std::string& db_path) const {
    const double rate = seconds > 0 ? static_cast<double>(read) / seconds : 0.0;
    char line[256];
    std::snprintf(line, sizeof line, "%.2f s, %.0f docs/s, %.1f MB/s", seconds, rate,
                  seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0.0);
    out << "revsearch-index: read " << read << " records from " << files << " files";
    if (skipped_files > 0) out << " (" << skipped_files << " skipped)";
    out << " in " << line << '\n';
    out << "  added " << added << ", replaced " << replaced;
    if (duplicates > 0) out << " (" << duplicates << " repeated within this run)";
    out << ", rejected " << rejected << '\n';
    for (const auto& [reason, count] : rejects_by_reason) {
        out << "  rejected " << count << ": " << reason << '\n';
    }
    out << "  " << db_path << " holds " << doc_count << " reviews\n";
}

std::string IndexSummary::to_json() const {
    json j = {{"files", files},       {"skipped_files", skipped_files},
              {"read", read},         {"added", added},
              {"replaced", replaced}, {"duplicates", duplicates},
              {"rejected", rejected}, {"rejects_by_reason", rejects_by_reason},
              {"bytes", bytes},       {"seconds", seconds},
              {"doc_count", doc_count}};
    return j.dump();
}

IndexJob::IndexJob(IndexOptions options, std::ostream& log)
    : options_(std::move(options)), log_(log) {}

IndexSummary IndexJob::run() {
    auto writer = open_database_writer(options_.db_path);
    return run(*writer);
}

IndexSummary IndexJob::run(IndexWriter& writer) {
    const auto start = std::chrono::steady_clock::now();
    IndexSummary summary;

    std::vector<corpus::InputProblem> problems;
    const std::vector<corpus::InputFile> files = corpus::expand_inputs(options_.inputs, problems);

    const AnalyzerSettings analyzer = resolve_analyzer(options_, writer);
    writer.set_metadata(std::string(schema::kMetaAnalyzer), analyzer.to_json());
    writer.set_metadata(std::string(schema::kMetaSchema), std::to_string(schema::kSchemaVersion));

    DocumentBuilder builder(analyzer);
    std::optional<corpus::TopicTagger> tagger;
    corpus::TopicLexicon lexicon;
    if (options_.tag_topics) {
        lexicon = options_.topics_file.empty() ? corpus::TopicLexicon::builtin()
                                               : corpus::TopicLexicon::load(options_.topics_file);
        tagger.emplace(lexicon, builder.analyzer());
    }

    std::unique_ptr<std::ofstream> rejects;
    if (!options_.rejects_file.empty()) {
        rejects = std::make_unique<std::ofstream>(options_.rejects_file, std::ios::app);
        if (!*rejects) throw UsageError("cannot write rejects file " + options_.rejects_file);
    }

    std::uint64_t total_bytes = 0;
    for (const auto& f : files) total_bytes += f.size;
    const bool terminal = cli::is_terminal(2);
    const bool show = options_.progress != ProgressMode::None;
    const bool bar = options_.progress == ProgressMode::Bar ||
                     (options_.progress == ProgressMode::Auto && terminal);
    std::ostream null_stream(nullptr);
    Progress progress(show ? log_ : null_stream, bar, total_bytes);

    IndexSink sink(options_, writer, builder, tagger ? &*tagger : nullptr, log_, rejects.get(),
                   summary, progress);
    for (const auto& problem : problems) {
        sink.on_reject(Reject{problem.path, "unreadable input", ""});
    }

    /// Counts files and builds the manifest as the walker reports them.
    class Observer final : public corpus::WalkObserver {
    public:
        Observer(IndexSummary& summary, std::ostream& log) : summary_(summary), log_(log) {}
        void on_skipped(const std::string& display, const std::string& reason) override {
            ++summary_.skipped_files;
            log_ << display << ": skipped: " << reason << '\n';
        }
        void on_read(const std::string& display, corpus::Format format, std::uint64_t bytes) override {
            ++summary_.files;
            formats_[std::string(corpus::format_name(format))] += 1;
            (void)display;
            (void)bytes;
        }
        std::map<std::string, std::uint64_t> formats_;

    private:
        IndexSummary& summary_;
        std::ostream& log_;
    } observer(summary, log_);

    corpus::Walker walker(options_.walk);
    json manifest = json::array();
    for (const corpus::InputFile& file : files) {
        const std::uint64_t read_before = summary.read;
        const std::uint64_t files_before = summary.files;
        walker.walk(file, sink, observer);
        summary.bytes += file.size;
        sink.set_file_bytes_hint(0);
        manifest.push_back({{"path", file.info.display},
                            {"bytes", file.size},
                            {"files_read", summary.files - files_before},
                            {"records", summary.read - read_before}});
    }

    summary.doc_count = writer.doc_count();
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    writer.set_metadata(std::string(schema::kMetaStats), summary.to_json());
    writer.set_metadata(std::string(schema::kMetaManifest),
                        json{{"version", kVersion},
                             {"topics", options_.tag_topics ? lexicon.origin : "none"},
                             {"formats", observer.formats_},
                             {"inputs", manifest}}
                            .dump());
    writer.commit();
    progress.finish();
    if (rejects) rejects->flush();
    return summary;
}

}  // namespace revsearch::indexer
