#include "indexer/index_job.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <algorithm>
#include <unordered_map>
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

std::uint64_t id_hash(const std::string& id_term) { return std::hash<std::string>{}(id_term); }

/// What the index knows of one input file: enough to resume or skip it.
struct SourceState {
    std::uint64_t size = 0;
    std::int64_t mtime = 0;
    std::uint64_t records = 0;  ///< records of this file processed and committed
    bool done = false;
    std::string hash;           ///< of the file's bytes when it was read in full
};

std::int64_t mtime_of(const std::string& path) {
    std::error_code ec;
    const auto t = std::filesystem::last_write_time(path, ec);
    return ec ? 0 : static_cast<std::int64_t>(t.time_since_epoch().count());
}

std::map<std::string, SourceState> load_sources(IndexWriter& writer) {
    std::map<std::string, SourceState> sources;
    const std::string stored = writer.get_metadata(std::string(schema::kMetaSources));
    if (stored.empty()) return sources;
    const json j = json::parse(stored, nullptr, false);
    if (!j.is_object()) return sources;
    for (const auto& [path, s] : j.items()) {
        sources[path] = SourceState{s.value("size", std::uint64_t{0}), s.value("mtime", std::int64_t{0}),
                                    s.value("records", std::uint64_t{0}), s.value("done", false),
                                    s.value("hash", std::string())};
    }
    return sources;
}

std::string dump_sources(const std::map<std::string, SourceState>& sources) {
    json j = json::object();
    for (const auto& [path, s] : sources) {
        j[path] = {{"size", s.size}, {"mtime", s.mtime}, {"records", s.records}, {"done", s.done},
                   {"hash", s.hash}};
    }
    return j.dump();
}

/// Receives records from the walker and writes them, keeping the run's counts and the
/// per-file checkpoint that commits carry.
class IndexSink final : public corpus::RecordSink {
public:
    IndexSink(const IndexOptions& options, IndexWriter& writer, DocumentBuilder& builder,
              const corpus::TopicTagger* tagger, std::ostream& log, std::ostream* rejects,
              IndexSummary& summary, Progress& progress,
              std::map<std::string, SourceState>& sources)
        : options_(options),
          writer_(writer),
          builder_(builder),
          tagger_(tagger),
          log_(log),
          rejects_(rejects),
          summary_(summary),
          progress_(progress),
          sources_(sources) {}

    /// Starts an input file; its first `skip` records were committed by an interrupted run.
    void begin_file(const std::string& display, std::uint64_t skip) {
        current_ = &sources_[display];
        skip_ = skip;
        file_term_ = schema::boolean_term(schema::kSourceFilePrefix, display);
    }

    /// Marks the current file complete (committed with the next batch).
    void end_file() {
        if (current_ != nullptr) current_->done = true;
        current_ = nullptr;
    }

    void on_review(Review&& review) override {
        const std::string term = schema::id_term(review.id);
        const bool repeated = !seen_.insert(id_hash(term)).second;
        if (skip_record()) return;
        ++summary_.read;
        if (tagger_ != nullptr) tagger_->tag(review);
        if (options_.spelling) collect_spelling(review);
        Xapian::Document doc = builder_.build(review);
        doc.add_boolean_term(file_term_);
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
        after_record(review.body.size() + review.title.size());
    }

    void on_reject(Reject&& reject) override {
        if (skip_record()) return;
        ++summary_.read;
        ++summary_.rejected;
        ++summary_.rejects_by_reason[reject.reason];
        log_ << reject.source << ": rejected: " << reject.reason << '\n';
        if (rejects_ != nullptr) {
            *rejects_ << json{{"source", reject.source}, {"reason", reject.reason}, {"raw", reject.raw}}
                             .dump(-1, ' ', false, json::error_handler_t::replace)
                      << '\n';
        }
        after_record(reject.raw.size());
    }

    /// Commits, writing the checkpoint in the same transaction.
    void commit() {
        for (const auto& [word, freq] : spelling_) writer_.add_spelling(word, freq);
        spelling_.clear();
        writer_.set_metadata(std::string(schema::kMetaSources), dump_sources(sources_));
        writer_.commit();
        pending_records_ = 0;
        pending_bytes_ = 0;
    }

    [[nodiscard]] bool was_seen(const std::string& id_term) const {
        return seen_.count(id_hash(id_term)) != 0;
    }

private:
    /// Counts the review's words (unstemmed, case-folded) for the spelling table. Words of
    /// letters only, 3 to 24 bytes: numbers and fragments make poor suggestions.
    void collect_spelling(const Review& review) {
        tokens_.clear();
        builder_.analyzer().tokenize(review.title, tokens_, false);
        builder_.analyzer().tokenize(review.body, tokens_, false);
        for (const Token& t : tokens_) {
            if (t.term.size() < 3 || t.term.size() > 24) continue;
            if (!std::all_of(t.term.begin(), t.term.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
                })) {
                continue;
            }
            ++spelling_[t.term];
        }
    }

    bool skip_record() {
        if (skip_ == 0) return false;
        --skip_;
        ++summary_.resumed_records;
        return true;
    }

    void after_record(std::size_t bytes) {
        if (current_ != nullptr) ++current_->records;
        pending_records_ += 1;
        pending_bytes_ += bytes;
        if (pending_records_ >= options_.batch_records || pending_bytes_ >= options_.batch_bytes) {
            commit();
        }
        progress_.update(summary_.read, summary_.bytes);
    }

    const IndexOptions& options_;
    IndexWriter& writer_;
    DocumentBuilder& builder_;
    const corpus::TopicTagger* tagger_;
    std::ostream& log_;
    std::ostream* rejects_;
    IndexSummary& summary_;
    Progress& progress_;
    std::map<std::string, SourceState>& sources_;
    SourceState* current_ = nullptr;
    std::string file_term_;
    std::uint64_t skip_ = 0;
    std::unordered_set<std::uint64_t> seen_;
    std::unordered_map<std::string, Xapian::termcount> spelling_;
    std::vector<Token> tokens_;
    std::uint64_t pending_records_ = 0;
    std::uint64_t pending_bytes_ = 0;
};

/// Counts files and formats as the walker reports them.
class CountingObserver final : public corpus::WalkObserver {
public:
    CountingObserver(IndexSummary& summary, std::ostream& log) : summary_(summary), log_(log) {}
    void on_skipped(const std::string& display, const std::string& reason) override {
        ++summary_.skipped_files;
        log_ << display << ": skipped: " << reason << '\n';
    }
    void on_read(const std::string&, corpus::Format format, std::uint64_t) override {
        ++summary_.files;
        ++formats[std::string(corpus::format_name(format))];
    }
    std::map<std::string, std::uint64_t> formats;

private:
    IndexSummary& summary_;
    std::ostream& log_;
};

/// The analyzer to index with: the one the index already has, unless the user named another,
/// which is refused when the index already holds documents.
AnalyzerSettings resolve_analyzer(const IndexOptions& options, IndexWriter& writer) {
    const std::string stored = writer.get_metadata(std::string(schema::kMetaAnalyzer));
    if (stored.empty()) return options.analyzer;
    AnalyzerSettings existing = AnalyzerSettings::from_json(stored);
    if (!options.analyzer_explicit || existing == options.analyzer) return existing;
    if (writer.doc_count() == 0) return options.analyzer;  // nothing was analysed yet
    throw UsageError("the index at " + options.db_path + " was built with language '" +
                     existing.language + "' and stop words '" + existing.stopwords_name +
                     "'; index into a new --db to change the analyzer");
}

json run_record(const IndexOptions& options, const std::string& state) {
    return json{{"state", state}, {"inputs", options.inputs}};
}

}  // namespace

void IndexSummary::print(std::ostream& out, const std::string& db_path) const {
    const double rate = seconds > 0 ? static_cast<double>(read) / seconds : 0.0;
    char line[256];
    std::snprintf(line, sizeof line, "%.2f s, %.0f docs/s, %.1f MB/s", seconds, rate,
                  seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0.0);
    if (resumed) {
        out << "revsearch-index: resumed an interrupted run (" << resumed_records
            << " records were already committed)\n";
    }
    out << "revsearch-index: read " << read << " records from " << files << " files";
    if (skipped_files > 0) out << " (" << skipped_files << " skipped as not reviews)";
    if (unchanged_files > 0) out << " (" << unchanged_files << " unchanged, not read)";
    out << " in " << line << '\n';
    out << "  added " << added << ", replaced " << replaced;
    if (duplicates > 0) out << " (" << duplicates << " repeated within this run)";
    out << ", rejected " << rejected;
    if (deleted > 0) out << ", deleted " << deleted;
    out << '\n';
    for (const auto& [reason, count] : rejects_by_reason) {
        out << "  rejected " << count << ": " << reason << '\n';
    }
    out << "  " << db_path << " holds " << doc_count << " reviews\n";
}

std::string IndexSummary::to_json() const {
    json j = {{"files", files},
              {"skipped_files", skipped_files},
              {"unchanged_files", unchanged_files},
              {"read", read},
              {"added", added},
              {"replaced", replaced},
              {"duplicates", duplicates},
              {"rejected", rejected},
              {"rejects_by_reason", rejects_by_reason},
              {"deleted", deleted},
              {"resumed_records", resumed_records},
              {"bytes", bytes},
              {"seconds", seconds},
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

    // An unfinished earlier run with the same inputs is resumed, not redone.
    const json previous = json::parse(writer.get_metadata(std::string(schema::kMetaRun)), nullptr, false);
    summary.resumed = previous.is_object() && previous.value("state", "") == "running" &&
                      previous.value("inputs", json::array()) == json(options_.inputs);
    std::map<std::string, SourceState> sources = load_sources(writer);
    writer.set_metadata(std::string(schema::kMetaRun), run_record(options_, "running").dump());

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
                   summary, progress, sources);
    for (const auto& problem : problems) {
        sink.on_reject(Reject{problem.path, "unreadable input", ""});
    }

    for (const std::string& id : options_.delete_ids) {
        if (writer.remove(schema::id_term(id))) {
            ++summary.deleted;
        } else {
            log_ << "revsearch-index: --delete " << id << ": no such review\n";
        }
    }

    CountingObserver observer(summary, log_);
    corpus::Walker walker(options_.walk);
    std::vector<const corpus::InputFile*> walked;
    for (const corpus::InputFile& file : files) {
        const std::int64_t mtime = mtime_of(file.path);
        const auto known = sources.find(file.info.display);
        const bool same = known != sources.end() && known->second.size == file.size &&
                          known->second.mtime == mtime;
        if (same && known->second.done && (summary.resumed || options_.skip_unchanged)) {
            ++summary.unchanged_files;
            continue;
        }
        const std::uint64_t skip = same && summary.resumed ? known->second.records : 0;
        // The records an interrupted run committed stay counted as done.
        sources[file.info.display] = SourceState{file.size, mtime, skip, false, corpus::file_hash(file.path)};
        sink.begin_file(file.info.display, skip);
        walker.walk(file, sink, observer);
        sink.end_file();
        summary.bytes += file.size;
        walked.push_back(&file);
    }

    if (options_.delete_missing) {
        // Reviews whose source file was read in full in this run but which it no longer holds.
        for (const corpus::InputFile* file : walked) {
            const std::string term = schema::boolean_term(schema::kSourceFilePrefix, file->info.display);
            for (const std::string& id : writer.ids_with_term(term)) {
                const std::string id_term = schema::id_term(id);
                if (!sink.was_seen(id_term) && writer.remove(id_term)) {
                    ++summary.deleted;
                    log_ << file->info.display << ": deleted '" << id << "': no longer in the source\n";
                }
            }
        }
    }

    summary.doc_count = writer.doc_count();
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    // Cumulative totals across runs, and this run's manifest.
    json totals = json::parse(writer.get_metadata(std::string(schema::kMetaStats)), nullptr, false);
    if (!totals.is_object()) totals = json::object();
    json rejects_total = totals.value("rejects_by_reason", json::object());
    for (const auto& [reason, count] : summary.rejects_by_reason) {
        rejects_total[reason] = rejects_total.value(reason, std::uint64_t{0}) + count;
    }
    writer.set_metadata(std::string(schema::kMetaStats),
                        json{{"last_run", json::parse(summary.to_json())},
                             {"runs", totals.value("runs", 0) + 1},
                             {"rejects_by_reason", rejects_total}}
                            .dump());
    json inputs = json::array();
    for (const auto& [path, s] : sources) {
        inputs.push_back({{"path", path}, {"bytes", s.size}, {"records", s.records}, {"hash", s.hash}});
    }
    writer.set_metadata(std::string(schema::kMetaManifest),
                        json{{"version", kVersion},
                             {"topics", options_.tag_topics ? lexicon.origin : "none"},
                             {"formats", observer.formats},
                             {"inputs", inputs}}
                            .dump());
    writer.set_metadata(std::string(schema::kMetaRun), run_record(options_, "finished").dump());
    sink.commit();
    progress.finish();
    if (rejects) rejects->flush();
    return summary;
}

}  // namespace revsearch::indexer
