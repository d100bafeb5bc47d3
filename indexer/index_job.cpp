#include "indexer/index_job.hpp"

#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <algorithm>
#include <array>
#include <unordered_map>
#include <thread>
#include <unordered_set>

#include <xapian.h>

#include <nlohmann/json.hpp>

#include "common/cli.hpp"
#include "common/error.hpp"
#include "common/progress.hpp"
#include "common/record_codec.hpp"
#include "common/schema.hpp"
#include "common/version.hpp"
#include "corpus/inputs.hpp"
#include "common/topic_slots.hpp"
#include "corpus/topic_tagger.hpp"
#include "common/shards.hpp"
#include "common/text.hpp"
#include "indexer/document_builder.hpp"
#include "indexer/lane.hpp"

namespace revsearch::indexer {

using nlohmann::json;

namespace {

namespace fs = std::filesystem;

std::uint64_t id_hash(const std::string& id_term) { return std::hash<std::string>{}(id_term); }

std::int64_t mtime_of(const std::string& path) {
    std::error_code ec;
    const auto t = fs::last_write_time(path, ec);
    return ec ? 0 : static_cast<std::int64_t>(t.time_since_epoch().count());
}

/// Serialises the log: lanes report through the reader's thread, which alone writes `log`.
void drain_notes(std::vector<std::unique_ptr<Lane>>& lanes, std::ostream& log) {
    for (auto& lane : lanes) {
        for (const std::string& note : lane->take_notes()) log << note << '\n';
    }
}

/// Runs on the reader's thread: receives records from the walker in input order, counts
/// them, skips what an interrupted run already committed, and routes each review to its lane
/// by a stable hash of its id (so a review and its later copies meet in the same lane).
/// Rejects are counted here and go to lane 0, whose checkpoint counts them.
class Router final : public corpus::RecordSink {
public:
    Router(std::vector<std::unique_ptr<Lane>>& lanes, std::ostream& log, std::ostream* rejects,
           IndexSummary& summary, Progress& progress, std::optional<double> rating_scale)
        : lanes_(lanes), log_(log), rejects_(rejects), summary_(summary), progress_(progress),
          rating_scale_(rating_scale), skip_(lanes.size(), 0) {}

    /// Starts an input file; `done[lane]` is what an interrupted run committed of it in that
    /// lane (its records are skipped, its counts carried on).
    void begin_file(const std::string& display, const SourceState& state,
                    const std::vector<SourceState>& done) {
        skip_.clear();
        for (const SourceState& d : done) skip_.push_back(d.records);
        position_ = 0;
        file_size_ = state.size;
        file_display_ = display;
        for (std::size_t i = 0; i < lanes_.size(); ++i) {
            LaneItem item;
            item.kind = LaneItem::Kind::BeginFile;
            item.display = display;
            item.state = state;
            item.state.records = done[i].records;
            item.state.transcoded = done[i].transcoded;
            send(i, std::move(item));
        }
    }

    /// Ends an input file, whose content hash is `hash`: all of its bytes are now read.
    void end_file(const std::string& display, const std::string& hash) {
        for (std::size_t i = 0; i < lanes_.size(); ++i) {
            LaneItem item;
            item.kind = LaneItem::Kind::EndFile;
            item.display = display;
            item.state.hash = hash;
            send(i, std::move(item));
        }
        pass_over(file_size_);
    }

    /// Counts `bytes` of input as read without reading them (a file skipped as unchanged), or
    /// as the rest of the file just ended.
    void pass_over(std::uint64_t bytes) {
        done_bytes_ += bytes;
        position_ = 0;
        file_size_ = 0;
        progress_.update(summary_.read, done_bytes_);
    }

    void on_review(Review&& review) override {
        const bool repeated = !seen_.insert(id_hash(schema::id_term(review.id))).second;
        // Routed by the id as the index stores it, so ids differing only in spacing, which
        // name one document, meet in one lane.
        const std::size_t lane =
            lanes_.size() == 1 ? 0 : shards::shard_for(text::collapse_spaces(review.id), lanes_.size());
        if (skip_record(lane)) return;
        ++summary_.read;
        if (review.rating) {
            if (!review.rating_scale) review.rating_scale = rating_scale_;
            if (!review.rating_scale) {
                ++summary_.ratings_without_scale;
            } else if (!schema::normalised_rating(review.rating, review.rating_scale)) {
                ++summary_.ratings_off_scale;
            }
        }
        LaneItem item;
        item.bytes = review.body.size() + review.title.size();
        item.kind = LaneItem::Kind::Review;
        item.repeated = repeated;
        count_transcoded(review.source_encoding);
        item.encoding = review.source_encoding;
        item.review = std::move(review);
        after_record(item.bytes);
        send(lane, std::move(item));
    }

    void on_reject(Reject&& reject) override {
        if (skip_record(0)) return;
        ++summary_.read;
        ++summary_.rejected;
        ++summary_.rejects_by_reason[reject.reason];
        log_ << reject.source << ": rejected: " << reject.reason << '\n';
        if (rejects_ != nullptr) {
            *rejects_ << json{{"source", reject.source}, {"reason", reject.reason}, {"raw", reject.raw}}
                             .dump(-1, ' ', false, json::error_handler_t::replace)
                      << '\n';
        }
        LaneItem item;
        item.kind = LaneItem::Kind::Reject;
        item.bytes = reject.raw.size();
        count_transcoded(reject.encoding);
        item.encoding = reject.encoding;
        after_record(item.bytes);
        send(0, std::move(item));
    }

    /// A reject that is not a record of any file (an unreadable input).
    void report_problem(const corpus::InputProblem& problem) {
        ++summary_.read;
        ++summary_.rejected;
        ++summary_.rejects_by_reason["unreadable input"];
        log_ << problem.path << ": rejected: unreadable input\n";
        if (rejects_ != nullptr) {
            *rejects_ << json{{"source", problem.path}, {"reason", "unreadable input"}, {"raw", ""}}.dump()
                      << '\n';
        }
    }

    /// Progress within a file: bytes of it read on disk (compressed bytes of a compressed file
    /// or archive), never more than its size, so the total never goes back when it ends.
    void on_position(std::uint64_t bytes) override {
        position_ = std::min(bytes, file_size_);
        progress_.update(summary_.read, done_bytes_ + position_);
    }

    [[nodiscard]] bool was_seen(const std::string& id_term) const {
        return seen_.count(id_hash(id_term)) != 0;
    }

private:
    bool skip_record(std::size_t lane) {
        if (skip_[lane] == 0) return false;
        --skip_[lane];
        ++summary_.resumed_records;
        return true;
    }

    void count_transcoded(const std::string& encoding) {
        if (encoding.empty()) return;
        ++summary_.transcoded;
        ++summary_.transcoded_by_encoding[encoding];
        ++summary_.transcoded_by_file[file_display_][encoding];
    }

    void after_record(std::size_t) {
        progress_.update(summary_.read, done_bytes_ + position_);
        if ((summary_.read & 1023) == 0) drain_notes(lanes_, log_);
    }

    void send(std::size_t lane, LaneItem&& item) {
        if (!lanes_[lane]->push(std::move(item))) lanes_[lane]->finish();  // throws its error
    }

    std::vector<std::unique_ptr<Lane>>& lanes_;
    std::ostream& log_;
    std::ostream* rejects_;
    IndexSummary& summary_;
    Progress& progress_;
    std::optional<double> rating_scale_;  ///< --rating-scale, for ratings that come without one
    std::vector<std::uint64_t> skip_;
    std::unordered_set<std::uint64_t> seen_;
    std::uint64_t position_ = 0;    ///< bytes read of the current file, as last reported
    std::uint64_t file_size_ = 0;   ///< the current file's size on disk
    std::uint64_t done_bytes_ = 0;  ///< bytes of the inputs finished or passed over
    std::string file_display_;      ///< the current file
};

/// Counts files and formats as the walker reports them.
class CountingObserver final : public corpus::WalkObserver {
public:
    CountingObserver(IndexSummary& summary, std::ostream& log) : summary_(summary), log_(log) {}
    void on_skipped(const std::string& display, const std::string& reason) override {
        ++summary_.skipped_files;
        log_ << display << ": skipped: " << reason << '\n';
        if (skipped.size() < kKeptSkips) skipped.emplace_back(display, reason);
    }
    void on_read(const std::string&, corpus::Format format, std::uint64_t) override {
        ++summary_.files;
        ++formats[std::string(corpus::format_name(format))];
    }
    void on_warning(const std::string& display, const std::string& message) override {
        log_ << display << ": warning: " << message << '\n';
    }
    std::map<std::string, std::uint64_t> formats;
    /// The first files skipped, with the reasons: what a run that found no reviews saw.
    static constexpr std::size_t kKeptSkips = 5;
    std::vector<std::pair<std::string, std::string>> skipped;

private:
    IndexSummary& summary_;
    std::ostream& log_;
};

/// What a run whose inputs held no review saw, for its message.
std::string describe_no_reviews(const std::vector<std::string>& inputs, std::size_t file_count,
                                const IndexSummary& summary,
                                const std::vector<std::pair<std::string, std::string>>& skipped) {
    std::string named;
    for (const std::string& input : inputs) named += (named.empty() ? "" : ", ") + input;
    std::string out = "no reviews in the inputs (" + named + "): ";
    if (file_count == 0 && summary.rejected == 0) return out + "they hold no files";
    std::vector<std::string> parts;
    if (summary.skipped_files > 0) {
        std::string part = std::to_string(summary.skipped_files) +
                           (summary.skipped_files == 1 ? " file" : " files") +
                           " skipped as not a recognised review format (";
        for (std::size_t i = 0; i < skipped.size(); ++i) part += (i ? ", " : "") + skipped[i].first;
        if (summary.skipped_files > skipped.size()) part += ", ...";
        part += "; name the format with --format)";
        parts.push_back(part);
    }
    if (summary.files > 0 && summary.read == 0) {
        parts.push_back(std::to_string(summary.files) + (summary.files == 1 ? " file" : " files") +
                        " read, holding no records");
    }
    if (summary.rejected > 0) {
        std::string part = std::to_string(summary.rejected) +
                           (summary.rejected == 1 ? " record" : " records") +
                           " read, all rejected (";
        const char* sep = "";
        for (const auto& [reason, count] : summary.rejects_by_reason) {
            part += sep + std::to_string(count) + ": " + reason;
            sep = "; ";
        }
        parts.push_back(part + ")");
    }
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "; " : "") + parts[i];
    return out;
}

json run_record(const IndexOptions& options, const std::string& state) {
    return json{{"state", state}, {"inputs", options.inputs}};
}

bool is_empty_database(const std::string& path) {
    try {
        return Xapian::Database(path).get_doccount() == 0;
    } catch (const Xapian::Error&) {
        // A folder that a failed creation left without a version file (a full disk) holds no
        // database yet: the build is fresh.
        return fs::is_directory(path) && !fs::exists(fs::path(path) / "iamglass") &&
               !fs::exists(fs::path(path) / "XAPIANDB");
    }
}

/// The metadata keys of the parts' own bookkeeping, which a compacted database leaves out.
constexpr std::array<std::string_view, 3> kPartKeys{kMetaPartSpelling, kMetaSpellingHandedOver,
                                                    kMetaSpellingPart};

/// Leaves kPartKeys out of a compacted database when several parts have them (a key that only
/// one part has is copied, and compact_into() removes it after).
class PartCompactor final : public Xapian::Compactor {
public:
    std::string resolve_duplicate_metadata(const std::string& key, std::size_t num_tags,
                                           const std::string tags[]) override {
        // Xapian 1.4's glass compactor passes the table's own key: the user's key after a
        // two-byte "\0\xc0" prefix.
        std::string_view name = key;
        if (name.size() >= 2 && name[0] == '\0' && name[1] == '\xc0') name.remove_prefix(2);
        if (std::find(kPartKeys.begin(), kPartKeys.end(), name) != kPartKeys.end()) {
            return "";  // Xapian: "" leaves the key unset
        }
        return num_tags > 0 ? tags[0] : std::string();
    }
};

/// Compacts `parts` into a new database at `target` with `metadata`, replacing whatever is
/// at `target` (a fresh build's empty database, or the result of compacting the same parts
/// before an interruption). Writes beside the target and renames, so `target` is never half
/// written.
void compact_into(const std::vector<std::string>& parts, const std::string& target,
                  const std::map<std::string, std::string>& metadata) {
    const std::string tmp = target + ".compacting";
    fs::remove_all(tmp);
    try {
        if (parts.empty()) {
            Xapian::WritableDatabase(tmp, Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS).close();
        } else {
            Xapian::Database sources;
            for (const std::string& part : parts) sources.add_database(Xapian::Database(part));
            // FULLER packs the B-tree blocks full: the result is read far more than it is
            // updated (a later update splits blocks as needed).
            PartCompactor compactor;
            sources.compact(tmp, Xapian::Compactor::FULLER, 0, compactor);
        }
        Xapian::WritableDatabase out(tmp, Xapian::DB_OPEN);
        for (const std::string_view key : kPartKeys) out.set_metadata(std::string(key), "");
        for (const auto& [key, value] : metadata) out.set_metadata(key, value);
        out.commit();
        out.close();
    } catch (const Xapian::Error& e) {
        throw IndexError(target, "cannot compact the parallel build: " + e.get_description());
    }
    std::error_code ec;
    fs::remove_all(target, ec);
    fs::rename(tmp, target, ec);
    if (ec) throw IndexError(target, "cannot move the compacted database into place: " + ec.message());
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
    if (ratings_without_scale > 0) {
        out << "  " << ratings_without_scale
            << " ratings came with no scale: kept as given, but in no rating range, sort or facet "
               "(give --rating-scale N, or a rating_scale field)\n";
    }
    if (ratings_off_scale > 0) {
        out << "  " << ratings_off_scale
            << " ratings lie outside 0..their scale: kept as given, but in no rating range, sort "
               "or facet\n";
    }
    if (transcoded > 0) {
        out << "  transcoded " << transcoded << (transcoded == 1 ? " record" : " records")
            << " to UTF-8:";
        const char* sep = " ";
        for (const auto& [encoding, count] : transcoded_by_encoding) {
            out << sep << "from " << encoding << ' ' << count;
            sep = ", ";
        }
        out << '\n';
        // Every file is in the manifest (revsearch-query --stats); the summary names a few.
        constexpr std::size_t kFilesShown = 10;
        std::size_t shown = 0;
        for (const auto& [file, counts] : transcoded_by_file) {
            if (shown++ == kFilesShown) {
                out << "    and " << transcoded_by_file.size() - kFilesShown
                    << " more files (revsearch-query --stats lists them all)\n";
                break;
            }
            out << "    " << file << ':';
            sep = " ";
            for (const auto& [encoding, count] : counts) {
                out << sep << encoding << ' ' << count;
                sep = ", ";
            }
            out << '\n';
        }
    }
    out << "  " << db_path << " holds " << doc_count << " reviews\n";
    std::snprintf(line, sizeof line,
                  "  %zu thread%s; CPU s: analysis %.2f, writing %.2f, commits %.2f; compaction %.2f s wall\n",
                  lanes, lanes == 1 ? "" : "s", analyze_seconds, write_seconds, commit_seconds,
                  compact_seconds);
    out << line;
    if (!no_reviews.empty()) out << "revsearch-index: " << no_reviews << '\n';
}

std::string IndexSummary::to_json() const {
    json j = {
        {"files", files},
        {"skipped_files", skipped_files},
        {"unchanged_files", unchanged_files},
        {"read", read},
        {"added", added},
        {"replaced", replaced},
        {"duplicates", duplicates},
        {"rejected", rejected},
        {"rejects_by_reason", rejects_by_reason},
        {"transcoded", transcoded},
        {"transcoded_by_encoding", transcoded_by_encoding},
        {"deleted", deleted},
        {"resumed_records", resumed_records},
        {"bytes", bytes},
        {"seconds", seconds},
        {"lanes", lanes},
        {"cpu_seconds",
         {{"analysis", analyze_seconds}, {"writing", write_seconds}, {"commits", commit_seconds}}},
        {"compact_seconds", compact_seconds},
        {"doc_count", doc_count},
        {"ratings_without_scale", ratings_without_scale},
        {"ratings_off_scale", ratings_off_scale}};
    return j.dump();
}

IndexJob::IndexJob(IndexOptions options, std::ostream& log)
    : options_(std::move(options)), log_(log) {}

/// Where a run's lanes write, and what happens to it at the end.
struct WritePlan {
    /// Update in place: one writer per lane (the single database, or each shard).
    std::vector<std::unique_ptr<IndexWriter>> owned_writers;
    std::vector<IndexWriter*> writers;
    std::vector<std::unique_ptr<DirectStore>> direct;
    /// A fresh build: write-once parts per lane under `work_dir`, compacted at the end.
    std::vector<std::unique_ptr<PartStore>> parts;
    std::string work_dir;
    /// A fresh build holds the write lock of each database it will replace, so no other
    /// writer (or a second build sharing the parts) runs meanwhile.
    std::vector<std::unique_ptr<IndexWriter>> locks;
    /// Shard databases (empty for a single database) and the stub that lists them.
    std::vector<std::string> shard_paths;
    std::string stub_path;

    [[nodiscard]] bool parts_mode() const { return !parts.empty(); }
    [[nodiscard]] std::size_t lanes() const { return parts_mode() ? parts.size() : writers.size(); }
    [[nodiscard]] LaneStore& store(std::size_t i) {
        return parts_mode() ? static_cast<LaneStore&>(*parts[i]) : *direct[i];
    }
    /// Lane `i`'s last committed metadata.
    [[nodiscard]] std::string metadata(std::size_t i, std::string_view key) {
        return parts_mode() ? parts[i]->last_metadata(std::string(key))
                            : writers[i]->get_metadata(std::string(key));
    }
    /// The first lane's value of `key` that is not empty: after an interruption some lanes
    /// may have committed nothing yet.
    [[nodiscard]] std::string metadata_any(std::string_view key) {
        for (std::size_t i = 0; i < lanes(); ++i) {
            std::string value = metadata(i, key);
            if (!value.empty()) return value;
        }
        return "";
    }
    void add_writer(IndexWriter& writer) {
        writers.push_back(&writer);
        direct.push_back(std::make_unique<DirectStore>(writer));
    }
};

namespace {

/// The threads a job uses: --threads, or one per core when it is 0.
std::size_t thread_count(const IndexOptions& options) {
    if (options.threads != 0) return options.threads;
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

std::size_t count_lane_dirs(const std::string& work_dir) {
    std::size_t n = 0;
    for (const auto& entry : fs::directory_iterator(work_dir)) {
        if (entry.is_directory() && entry.path().filename().string().rfind("lane-", 0) == 0) ++n;
    }
    return n;
}

/// A lane's share of the run's counts, for the metadata of its shard: its own documents,
/// plus (lane 0 only) the run-wide counts of files and rejects, so shards sum to the run.
IndexSummary lane_share(const IndexSummary& run, const LaneCounts& counts, std::size_t lane,
                        Xapian::doccount docs) {
    IndexSummary share = run;
    share.added = counts.added;
    share.replaced = counts.replaced;
    share.duplicates = counts.duplicates;
    share.doc_count = docs;
    share.read = counts.reviews + (lane == 0 ? run.rejected : 0);
    if (lane != 0) {
        share.files = share.skipped_files = share.unchanged_files = share.bytes = 0;
        share.rejected = share.deleted = share.resumed_records = share.transcoded = 0;
        share.rejects_by_reason.clear();
        share.transcoded_by_encoding.clear();
        share.transcoded_by_file.clear();
    }
    return share;
}

/// Collects the stored form of the first reviews of the inputs, then stops the walk.
class SampleSink final : public corpus::RecordSink, public corpus::WalkObserver {
public:
    struct Enough {};
    void on_review(Review&& review) override {
        bytes_ += samples.emplace_back(to_stored_json(review)).size();
        if (samples.size() >= kMaxSamples || bytes_ >= kMaxBytes) throw Enough{};
    }
    void on_reject(Reject&&) override {}
    void on_skipped(const std::string&, const std::string&) override {}
    void on_read(const std::string&, corpus::Format, std::uint64_t) override {}
    std::vector<std::string> samples;

private:
    static constexpr std::size_t kMaxSamples = 4000;
    static constexpr std::size_t kMaxBytes = 8u << 20;
    std::size_t bytes_ = 0;
};

/// A dictionary for stored records, trained on the inputs' first reviews ("" if too few).
std::string train_dictionary(const std::vector<corpus::InputFile>& files,
                             const corpus::WalkOptions& walk, unsigned threads) {
    SampleSink sink;
    corpus::Walker walker(walk);
    try {
        for (const corpus::InputFile& file : files) walker.walk(file, sink, sink);
    } catch (const SampleSink::Enough&) {
    }
    return RecordCodec::train(sink.samples, RecordCodec::kDictionaryBytes, threads);
}

/// Input files from this size up are hashed on a thread of their own, beside the walk.
constexpr std::uint64_t kBackgroundHashBytes = 8u << 20;

/// Spelling data keeps the words a fresh build counted at least this often.
constexpr Xapian::termcount kMinSpellingCount = 2;

/// Until every database is compacted, the parts are kept whole, so an interrupted run redoes
/// the compaction from them (it gives the same result). Then one rename retires them all at
/// once: a run never sees some parts gone and others left.
void discard_parts(const std::string& work_dir) {
    const std::string retired = work_dir + ".retired";
    fs::remove_all(retired);
    fs::rename(work_dir, retired);
    fs::remove_all(retired);
}

}  // namespace

IndexSummary IndexJob::run() {
    const std::string& db = options_.db_path;
    const std::size_t threads = thread_count(options_);
    // The inputs are known before anything is created: a missing one stops the run here.
    std::vector<corpus::InputProblem> problems;
    const std::vector<corpus::InputFile> files = corpus::expand_inputs(options_.inputs, problems);
    const bool db_existed = fs::exists(db);
    const bool db_was_empty_folder = db_existed && fs::is_directory(db) && fs::is_empty(db);
    WritePlan plan;
    plan.work_dir = db + ".parts";
    const bool work_existed = fs::exists(plan.work_dir);
    fs::remove_all(plan.work_dir + ".retired");  // a finished build stopped while tidying up

    // The layout: one database, or shards listed by a stub.
    std::size_t shard_count = 0;
    if (const auto stub = shards::stub_file(db)) {
        plan.stub_path = *stub;
        for (const shards::StubEntry& entry : shards::read_stub(*stub)) {
            if (entry.kind != shards::StubEntry::Kind::Local || entry.path.empty()) {
                throw UsageError(shards::describe(entry, *stub) +
                                 ": revsearch-index writes local shards only; index them "
                                 "locally, then serve them (scripts/serve-shards)");
            }
            plan.shard_paths.push_back(shards::resolve(entry, *stub));
        }
        shard_count = plan.shard_paths.size();
        if (options_.shards != 0 && options_.shards != shard_count) {
            throw UsageError(db + " has " + std::to_string(shard_count) + " shards, not " +
                             std::to_string(options_.shards) +
                             "; to change the shard count, index into a new --db (docs/SCALING.md)");
        }
    } else {
        const bool single_exists = fs::exists(db) && !fs::is_empty(db);
        const bool single_fresh = !single_exists || is_empty_database(db);
        if (options_.shards != 0 && !single_fresh) {
            throw UsageError(db + " is a single database; index into a new --db to shard it");
        }
        shard_count = options_.shards;
        // Without compaction a fresh parallel build keeps its writers' databases as shards.
        if (shard_count == 0 && !options_.compact && single_fresh && !fs::exists(plan.work_dir)) {
            shard_count = threads;
        }
        if (shard_count > 0) {
            plan.stub_path = db + "/XAPIANDB";
            for (std::size_t i = 0; i < shard_count; ++i) {
                plan.shard_paths.push_back(db + "/" + shards::shard_name(i));
            }
        }
    }

    bool fresh = true;
    if (shard_count == 0) {
        fresh = !fs::exists(db) || fs::is_empty(db) || is_empty_database(db);
    } else {
        for (const std::string& path : plan.shard_paths) {
            fresh = fresh && (!fs::exists(path) || is_empty_database(path));
        }
    }

    // A fresh build writes parts and compacts them; an interrupted one left its parts behind.
    if (fs::exists(plan.work_dir) || (fresh && options_.compact)) {
        std::size_t lanes = shard_count != 0 ? shard_count : threads;
        if (fs::exists(plan.work_dir)) {
            const std::size_t found = count_lane_dirs(plan.work_dir);
            if (found != 0 && found != lanes) {
                if (shard_count != 0) {
                    throw IndexError(plan.work_dir, "an interrupted build with " + std::to_string(found) +
                                                        " lanes does not match " +
                                                        std::to_string(shard_count) + " shards");
                }
                log_ << "revsearch-index: resuming an interrupted build with its " << found
                     << " threads\n";
                lanes = found;
            }
        }
        if (shard_count == 0) {
            plan.locks.push_back(open_database_writer(db));
        } else {
            std::error_code ec;
            fs::create_directories(db, ec);
            for (const std::string& path : plan.shard_paths) plan.locks.push_back(open_database_writer(path));
            write_stub_for(plan.shard_paths.size(), plan.stub_path);
        }
        for (std::size_t i = 0; i < lanes; ++i) {
            plan.parts.push_back(std::make_unique<PartStore>(PartStore::lane_dir(plan.work_dir, i)));
            // An interrupted run may have written spelling parts; the lanes count their
            // parts' words again (saved_spelling()) and the job writes them once.
            remove_spelling_parts(PartStore::lane_dir(plan.work_dir, i));
        }
        remove_spelling_parts(plan.work_dir);
    } else if (shard_count == 0) {
        plan.owned_writers.push_back(open_database_writer(db));
        plan.add_writer(*plan.owned_writers.back());
    } else {
        std::error_code ec;
        fs::create_directories(db, ec);
        for (const std::string& path : plan.shard_paths) {
            plan.owned_writers.push_back(open_database_writer(path));
            plan.add_writer(*plan.owned_writers.back());
        }
        write_stub_for(plan.shard_paths.size(), plan.stub_path);
    }
    try {
        return execute(plan, files, problems);
    } catch (const NoReviewsError&) {
        // Nothing was indexed into an index that had nothing: leave no empty database behind.
        const std::string work_dir = plan.work_dir;
        plan = WritePlan{};  // closes every writer and releases the locks
        std::error_code ec;
        if (!work_existed) fs::remove_all(work_dir, ec);
        if (!db_existed) {
            fs::remove_all(db, ec);
        } else if (db_was_empty_folder) {
            for (const auto& entry : fs::directory_iterator(db, ec))
                fs::remove_all(entry.path(), ec);
        }
        throw;
    }
}

IndexSummary IndexJob::run(IndexWriter& writer) {
    std::vector<corpus::InputProblem> problems;
    const std::vector<corpus::InputFile> files = corpus::expand_inputs(options_.inputs, problems);
    WritePlan plan;
    plan.add_writer(writer);
    return execute(plan, files, problems);
}

void IndexJob::write_stub_for(std::size_t shard_count, const std::string& stub_path) {
    std::vector<shards::StubEntry> entries;
    for (std::size_t i = 0; i < shard_count; ++i) {
        shards::StubEntry entry;
        entry.backend = "glass";
        entry.path = shards::shard_name(i);
        entries.push_back(entry);
    }
    shards::write_stub(stub_path, entries,
                       "revsearch shards: " + std::to_string(shard_count) +
                           ", reviews routed by FNV-1a of the review id (see docs/SCALING.md)");
}

IndexSummary IndexJob::execute(WritePlan& plan, const std::vector<corpus::InputFile>& files,
                               const std::vector<corpus::InputProblem>& problems) {
    const auto start = std::chrono::steady_clock::now();
    IndexSummary summary;
    const std::size_t lane_count = plan.lanes();

    // The analyzer: the one the index already has, unless the user named another, which is
    // refused when the index already holds documents.
    bool has_documents = false;
    if (plan.parts_mode()) {
        for (auto& p : plan.parts) has_documents = has_documents || !p->complete_parts().empty();
    } else {
        for (IndexWriter* w : plan.writers) has_documents = has_documents || w->doc_count() > 0;
    }
    AnalyzerSettings analyzer = options_.analyzer;
    if (const std::string stored = plan.metadata_any(schema::kMetaAnalyzer); !stored.empty()) {
        const AnalyzerSettings existing = AnalyzerSettings::from_json(stored);
        // Range terms are not the user's choice: an index keeps what it was created with. So
        // does the title layout, unless the user names one (an index built before it existed
        // keeps its own when other analyzer options are given).
        AnalyzerSettings asked = options_.analyzer;
        asked.range_terms = existing.range_terms;
        if (!options_.title_layout_explicit) asked.title_in_default = existing.title_in_default;
        if (!options_.analyzer_explicit || existing == asked) {
            analyzer = existing;
        } else if (has_documents) {
            throw UsageError(
                "the index at " + options_.db_path + " was built with language '" +
                existing.language + "', stop words '" + existing.stopwords_name + "', " +
                existing.positions_name() + " positions and stem overrides '" +
                (existing.stem_overrides.empty() ? "none" : existing.stem_overrides_name) +
                "' and title layout '" + (existing.title_in_default ? "in-default" : "separate") +
                "'; index into a new --db to change the analyzer");
        }
    } else if (has_documents) {
        analyzer.range_terms = false;  // documents written by another tool have none
        analyzer.title_in_default = false;
    }
    // Documents of another schema version mean other things by the same slots and terms
    // (version 1: ratings as given, no content keys); adding new ones would mix the two.
    if (const std::string version = plan.metadata_any(schema::kMetaSchema);
        has_documents && !version.empty() && version != std::to_string(schema::kSchemaVersion)) {
        throw UsageError("the index at " + options_.db_path + " was written with schema version " +
                         version + " (ratings as given, no duplicate keys); this revsearch-index "
                         "writes version " + std::to_string(schema::kSchemaVersion) +
                         " (ratings on one 0-5 scale, duplicate keys): index into a new --db");
    }

    // An unfinished earlier run with the same inputs is resumed, not redone.
    const json previous = json::parse(plan.metadata_any(schema::kMetaRun), nullptr, false);
    const bool previous_running = previous.is_object() && previous.value("state", "") == "running";
    summary.resumed = previous_running && previous.value("inputs", json::array()) == json(options_.inputs);
    if (plan.parts_mode() && previous_running && !summary.resumed) {
        throw UsageError("an interrupted build of other inputs (" + previous.value("inputs", json::array()).dump() +
                         ") is in " + plan.work_dir + "; run it again to finish it, or remove that folder");
    }
    std::vector<SourceMap> lane_sources;
    for (std::size_t i = 0; i < lane_count; ++i) {
        lane_sources.push_back(parse_sources(plan.metadata(i, schema::kMetaSources)));
    }

    corpus::TopicLexicon lexicon;
    if (options_.tag_topics) {
        lexicon = options_.topics_file.empty() ? corpus::TopicLexicon::builtin()
                                               : corpus::TopicLexicon::load(options_.topics_file);
    }
    LaneSettings settings;
    settings.commit_at_end = plan.parts_mode();
    settings.keep_spelling = plan.parts_mode();
    settings.analyzer = analyzer;
    settings.lexicon = options_.tag_topics ? &lexicon : nullptr;
    if (options_.tag_topics) {
        // Each topic keeps the strength slot the index gave it; new topics come after.
        TopicSlots slots = TopicSlots::from_json(plan.metadata_any(schema::kMetaTopics));
        for (const corpus::TopicLexicon::Topic& topic : lexicon.topics) {
            settings.topic_slots.push_back(slots.assign(topic.name));
        }
        slots.lexicon = lexicon.origin;
        slots.rule = json{{"minimum", lexicon.rule.minimum},
                          {"words_per_point", lexicon.rule.words_per_point},
                          {"strong", lexicon.rule.strong},
                          {"weak", lexicon.rule.weak},
                          {"weak_repeat", lexicon.rule.weak_repeat},
                          {"product", lexicon.rule.product},
                          {"near_words", lexicon.rule.near_words}}
                         .dump();
        settings.metadata[std::string(schema::kMetaTopics)] = slots.to_json();
    }
    settings.spelling = options_.spelling;
    settings.batch_records = options_.batch_records != 0 ? options_.batch_records
                             : plan.parts_mode()         ? kPartBatchRecords
                                                         : kDirectBatchRecords;
    settings.batch_bytes = options_.batch_bytes != 0 ? options_.batch_bytes
                           : plan.parts_mode()       ? kPartBatchBytes
                                                     : kDirectBatchBytes;
    settings.metadata[std::string(schema::kMetaAnalyzer)] = analyzer.to_json();
    settings.metadata[std::string(schema::kMetaSchema)] = std::to_string(schema::kSchemaVersion);
    settings.metadata[std::string(schema::kMetaRun)] = run_record(options_, "running").dump();
    // Stored records use the index's dictionary; a new index trains one on its first reviews
    // (an index that has plain records keeps them plain).
    settings.dictionary = plan.metadata_any(schema::kMetaDictionary);
    if (settings.dictionary.empty() && options_.compress_records && !has_documents) {
        settings.dictionary =
            train_dictionary(files, options_.walk, static_cast<unsigned>(thread_count(options_)));
    }
    if (!settings.dictionary.empty()) {
        settings.metadata[std::string(schema::kMetaDictionary)] = settings.dictionary;
    }

    // A fresh build's databases stay empty until the compaction fills them; meanwhile they
    // carry the analyzer and the run record, so --stats describes the build under way.
    for (const std::unique_ptr<IndexWriter>& lock : plan.locks) {
        for (const std::string_view key :
             {schema::kMetaAnalyzer, schema::kMetaSchema, schema::kMetaRun}) {
            lock->set_metadata(std::string(key), settings.metadata.at(std::string(key)));
        }
        lock->commit();
    }

    std::unique_ptr<std::ofstream> rejects;
    if (!options_.rejects_file.empty()) {
        rejects = std::make_unique<std::ofstream>(options_.rejects_file, std::ios::app);
        if (!*rejects) throw UsageError("cannot write rejects file " + options_.rejects_file);
    }

    // Progress counts bytes of the files on disk: a compressed file or archive by the
    // compressed bytes read, a file skipped as unchanged all at once.
    std::uint64_t total_bytes = 0;
    for (const auto& f : files) total_bytes += f.size;
    const bool terminal = cli::is_terminal(2);
    const Progress::Style style = options_.progress == ProgressMode::None ? Progress::Style::None
                                  : options_.progress == ProgressMode::Bar ||
                                          (options_.progress == ProgressMode::Auto && terminal)
                                      ? Progress::Style::Bar
                                      : Progress::Style::Log;
    Progress progress(log_, style, total_bytes, options_.progress_interval);
    // What the run logs while the bar is up goes through it, on lines of its own.
    ProgressLog log(progress);

    // Deletions go first, so a review both deleted and in the inputs ends up indexed.
    for (const std::string& id : options_.delete_ids) {
        const std::size_t lane =
            lane_count == 1 ? 0 : shards::shard_for(text::collapse_spaces(id), lane_count);
        if (!plan.parts_mode() && plan.writers[lane]->remove(schema::id_term(id))) {
            ++summary.deleted;
        } else {
            log << "revsearch-index: --delete " << id << ": no such review\n";
        }
    }

    std::vector<std::unique_ptr<Lane>> lanes;
    for (std::size_t i = 0; i < lane_count; ++i) {
        lanes.push_back(std::make_unique<Lane>(settings, plan.store(i), lane_sources[i],
                                               plan.parts_mode() ? plan.parts[i]->saved_spelling()
                                                                 : SpellingCounts{}));
    }
    Router router(lanes, log, rejects.get(), summary, progress, options_.rating_scale);
    for (const auto& problem : problems) router.report_problem(problem);

    CountingObserver observer(summary, log);
    corpus::Walker walker(options_.walk);
    std::vector<const corpus::InputFile*> walked;
    for (const corpus::InputFile& file : files) {
        const std::string& display = file.info.display;
        const std::int64_t mtime = mtime_of(file.path);
        bool all_done = true;
        bool any_known = false;
        std::vector<SourceState> done(lane_count);  // what an interrupted run committed
        for (std::size_t i = 0; i < lane_count; ++i) {
            const auto known = lane_sources[i].find(display);
            const bool same = known != lane_sources[i].end() && known->second.size == file.size &&
                              known->second.mtime == mtime;
            any_known = any_known || same;
            all_done = all_done && same && known->second.done;
            if (same && summary.resumed) done[i] = known->second;
        }
        if (any_known && all_done && (summary.resumed || options_.skip_unchanged)) {
            ++summary.unchanged_files;
            router.pass_over(file.size);
            if (summary.resumed) {
                // Done before the interruption: its records count as already committed.
                for (std::size_t i = 0; i < lane_count; ++i) {
                    const auto known = lane_sources[i].find(display);
                    if (known != lane_sources[i].end()) {
                        summary.resumed_records += known->second.records;
                    }
                }
            }
            continue;
        }
        // The manifest's hash of the file takes a pass over it: for a large file (a 1.4 GB
        // corpus took 1.9 s) it runs beside the walk, and reaches the lanes with the file's end.
        std::future<std::string> hash;
        std::string small_hash;
        if (file.size >= kBackgroundHashBytes) {
            hash = std::async(std::launch::async, corpus::file_hash, file.path);
        } else {
            small_hash = corpus::file_hash(file.path);
        }
        const SourceState state{file.size, mtime, 0, false, small_hash, {}};
        router.begin_file(display, state, done);
        walker.walk(file, router, observer);
        router.end_file(display, hash.valid() ? hash.get() : small_hash);
        summary.bytes += file.size;
        walked.push_back(&file);
    }
    for (auto& lane : lanes) lane->end_input();
    for (auto& lane : lanes) lane->finish();
    drain_notes(lanes, log);
    log.write_held_back();
    for (auto& lane : lanes) {
        summary.added += lane->counts().added;
        summary.replaced += lane->counts().replaced;
        summary.duplicates += lane->counts().duplicates;
        summary.analyze_seconds += lane->counts().analyze_seconds;
        summary.write_seconds += lane->counts().write_seconds;
        summary.commit_seconds += lane->counts().commit_seconds;
    }
    summary.lanes = lane_count;

    // Inputs that held no review: said plainly, and an index that had none is not created.
    if (!options_.inputs.empty() && summary.read == summary.rejected &&
        summary.unchanged_files == 0 && summary.resumed_records == 0) {
        summary.no_reviews =
            describe_no_reviews(options_.inputs, files.size(), summary, observer.skipped);
        if (!has_documents) {
            progress.finish();
            throw NoReviewsError(summary.no_reviews + "; nothing was written");
        }
    }

    if (options_.delete_missing && !plan.parts_mode()) {
        // Reviews whose source file was read in full in this run but which it no longer holds.
        // (A fresh build has no older reviews to remove.)
        for (const corpus::InputFile* file : walked) {
            const std::string term = schema::boolean_term(schema::kSourceFilePrefix, file->info.display);
            for (IndexWriter* writer : plan.writers) {
                for (const std::string& id : writer->ids_with_term(term)) {
                    const std::string id_term = schema::id_term(id);
                    if (!router.was_seen(id_term) && writer->remove(id_term)) {
                        ++summary.deleted;
                        log << file->info.display << ": deleted '" << id
                            << "': no longer in the source\n";
                    }
                }
            }
        }
    }

    // The final metadata of each database: its sources, manifest, cumulative stats, and the
    // run marked finished.
    auto final_metadata = [&](const SourceMap& sources, const IndexSummary& share,
                              const std::string& previous_stats) {
        std::map<std::string, std::string> m = settings.metadata;
        m[std::string(schema::kMetaSources)] = dump_sources(sources);
        json totals = json::parse(previous_stats, nullptr, false);
        if (!totals.is_object()) totals = json::object();
        json rejects_total = totals.value("rejects_by_reason", json::object());
        for (const auto& [reason, count] : share.rejects_by_reason) {
            rejects_total[reason] = rejects_total.value(reason, std::uint64_t{0}) + count;
        }
        m[std::string(schema::kMetaStats)] = json{{"last_run", json::parse(share.to_json())},
                                                  {"runs", totals.value("runs", 0) + 1},
                                                  {"rejects_by_reason", rejects_total}}
                                                 .dump();
        json inputs = json::array();
        for (const auto& [path, s] : sources) {
            inputs.push_back({{"path", path}, {"bytes", s.size}, {"records", s.records}, {"hash", s.hash}});
            if (!s.transcoded.empty()) inputs.back()["transcoded"] = s.transcoded;
        }
        m[std::string(schema::kMetaManifest)] = json{
            {"version", kVersion},
            {"topics", options_.tag_topics ? lexicon.origin : "none"},
            {"formats", observer.formats},
            {"hash_algorithm", corpus::kFileHashAlgorithm},
            {"inputs", inputs}}.dump();
        m[std::string(schema::kMetaRun)] = run_record(options_, "finished").dump();
        return m;
    };

    const auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    if (!plan.parts_mode()) {
        summary.seconds = elapsed();
        for (std::size_t i = 0; i < lane_count; ++i) {
            const Xapian::doccount docs = plan.writers[i]->doc_count();
            summary.doc_count += docs;
        }
        for (std::size_t i = 0; i < lane_count; ++i) {
            IndexWriter& writer = *plan.writers[i];
            const IndexSummary share = lane_count == 1 ? summary
                                                       : lane_share(summary, lanes[i]->counts(), i, writer.doc_count());
            // One commit ends the run: the lane's last documents and spelling counts with the
            // final metadata.
            for (const auto& [word, freq] : lanes[i]->spelling()) writer.add_spelling(word, freq);
            for (const auto& [key, value] :
                 final_metadata(lanes[i]->sources(), share, writer.get_metadata(std::string(schema::kMetaStats)))) {
                writer.set_metadata(key, value);
            }
            writer.commit();
        }
    } else if (plan.shard_paths.empty()) {
        // One database: every lane's parts, compacted together.
        progress.finish();
        std::vector<std::string> all_parts;
        SourceMap merged;
        for (std::size_t i = 0; i < lane_count; ++i) {
            for (const std::string& p : plan.parts[i]->complete_parts()) all_parts.push_back(p);
            merge_sources(merged, lanes[i]->sources());
        }
        Xapian::doccount docs = 0;
        for (const std::string& p : all_parts) docs += Xapian::Database(p).get_doccount();
        summary.doc_count = docs;
        // The lanes' spelling counts, merged, go in once: each word's fragments are written
        // and compressed one time, not once per lane and again by the compaction.
        SpellingCounts spelling = lanes.front()->take_spelling();
        for (std::size_t i = 1; i < lane_count; ++i) {
            for (const auto& [word, freq] : lanes[i]->spelling()) spelling[word] += freq;
        }
        write_spelling_parts(plan.work_dir, spelling, kMinSpellingCount, thread_count(options_));
        spelling = {};
        for (const std::string& p : spelling_parts(plan.work_dir)) all_parts.push_back(p);
        summary.seconds = elapsed();
        plan.locks.clear();
        compact_into(all_parts, options_.db_path, final_metadata(merged, summary, ""));
        summary.compact_seconds = elapsed() - summary.seconds;
        summary.seconds = elapsed();
        discard_parts(plan.work_dir);
    } else {
        // Shards: each lane's parts become its shard, one shard at a time.
        progress.finish();
        std::error_code ec;
        fs::create_directories(options_.db_path, ec);
        std::vector<Xapian::doccount> docs(lane_count, 0);
        for (std::size_t i = 0; i < lane_count; ++i) {
            for (const std::string& p : plan.parts[i]->complete_parts()) docs[i] += Xapian::Database(p).get_doccount();
            summary.doc_count += docs[i];
        }
        summary.seconds = elapsed();
        // Each shard's spelling and compaction are its own: they run side by side, as many at
        // once as there are threads.
        std::vector<std::map<std::string, std::string>> metadata;
        for (std::size_t i = 0; i < lane_count; ++i) {
            metadata.push_back(final_metadata(lanes[i]->sources(),
                                              lane_share(summary, lanes[i]->counts(), i, docs[i]), ""));
        }
        std::atomic<std::size_t> next_shard{0};
        std::vector<std::exception_ptr> errors(lane_count);
        auto finish_shards = [&] {
            for (std::size_t i; (i = next_shard++) < lane_count;) {
                try {
                    const std::string dir = PartStore::lane_dir(plan.work_dir, i);
                    write_spelling_parts(dir, lanes[i]->take_spelling(), kMinSpellingCount, 1);
                    std::vector<std::string> sources = plan.parts[i]->complete_parts();
                    for (const std::string& p : spelling_parts(dir)) sources.push_back(p);
                    plan.locks[i].reset();
                    compact_into(sources, plan.shard_paths[i], metadata[i]);
                } catch (...) {
                    errors[i] = std::current_exception();
                }
            }
        };
        std::vector<std::thread> workers;
        const std::size_t threads = thread_count(options_);
        for (std::size_t t = 1; t < std::min(threads, lane_count); ++t) workers.emplace_back(finish_shards);
        finish_shards();
        for (std::thread& w : workers) w.join();
        for (const std::exception_ptr& e : errors) {
            if (e) std::rethrow_exception(e);
        }
        write_stub_for(lane_count, plan.stub_path);
        summary.compact_seconds = elapsed() - summary.seconds;
        summary.seconds = elapsed();
        discard_parts(plan.work_dir);
    }
    progress.finish();
    if (rejects) rejects->flush();
    return summary;
}

}  // namespace revsearch::indexer
