#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "corpus/walker.hpp"
#include "indexer/writer.hpp"

namespace revsearch::indexer {

enum class ProgressMode { Auto, Bar, Log, None };

/// Batch sizes when updating a database in place: each commit is a transaction.
inline constexpr std::uint64_t kDirectBatchRecords = 10000;
inline constexpr std::uint64_t kDirectBatchBytes = 64u << 20;
/// Batch sizes of a fresh build's write-once parts. Smaller parts make each document cheaper
/// to write (Xapian's flush merges into smaller B-trees) and cost more parts to compact;
/// measured in bench/RESULTS.md.
inline constexpr std::uint64_t kPartBatchRecords = 5000;
inline constexpr std::uint64_t kPartBatchBytes = 16u << 20;

/// Everything an indexing run needs to know. Filled by the CLI or by tests.
struct IndexOptions {
    std::string db_path;
    std::vector<std::string> inputs;
    corpus::WalkOptions walk;            ///< format, path template, CSV mapping, record limit
    std::string topics_file;             ///< "" uses the built-in lexicon
    bool tag_topics = true;
    AnalyzerSettings analyzer;
    bool analyzer_explicit = false;  ///< the user named --language/--stopwords/...
    /// The user named --title-layout: an existing index with another layout is refused rather
    /// than kept (without it, an index keeps the layout it was created with).
    bool title_layout_explicit = false;
    /// Commit after this many records, or this many bytes of review text, whichever comes
    /// first; 0 picks the default of the write path (kDirect* or kPart* below).
    std::uint64_t batch_records = 0;
    std::uint64_t batch_bytes = 0;
    /// Worker threads (lanes) that build and write documents; 0: one per core.
    std::size_t threads = 0;
    /// Write N shard databases and a stub listing them (0: one database).
    std::size_t shards = 0;
    /// Merge a fresh parallel build into one compact database at the end (or compact each
    /// shard). Off: the parallel writers' databases stay apart, listed by a stub.
    bool compact = true;
    /// Compress stored records with a zstd dictionary trained on the corpus (off: plain JSON,
    /// readable by tools such as xapian-delve).
    bool compress_records = true;
    std::string rejects_file;            ///< "" writes rejects to the log only
    ProgressMode progress = ProgressMode::Auto;
    /// Least seconds between two progress draws; negative: the default (0.2 s for the bar, 5 s
    /// for log lines). Tests set 0 to see every draw.
    double progress_interval = -1.0;
    /// Skip input files whose size and modification time match a completed earlier run.
    bool skip_unchanged = false;
    /// Remove reviews that came from one of this run's input files but are no longer in it.
    bool delete_missing = false;
    /// Build spelling data from the reviews' words, for "did you mean" suggestions.
    bool spelling = true;
    /// Ids of reviews to remove.
    std::vector<std::string> delete_ids;
    /// The scale of ratings that come without one (`--rating-scale`), e.g. 10 for ratings
    /// out of 10. Unset: such ratings are kept as given but put on no scale, so no rating
    /// range, sort or facet sees them (see schema::normalised_rating).
    std::optional<double> rating_scale;
};

/// What a run did. The counts obey: read = added + replaced + rejected + resumed_records.
struct IndexSummary {
    std::uint64_t files = 0;
    std::uint64_t skipped_files = 0;   ///< not recognisably reviews (README, PROVENANCE.md)
    std::uint64_t read = 0;            ///< records seen, good and bad
    std::uint64_t added = 0;
    std::uint64_t replaced = 0;        ///< ids already in the index, or repeated in this run
    std::uint64_t duplicates = 0;      ///< of `replaced`, the ids repeated within this run
    std::uint64_t rejected = 0;
    std::map<std::string, std::uint64_t> rejects_by_reason;
    /// Of `read`, the records decoded from another encoding than UTF-8 (corpus/encoding.hpp),
    /// by that encoding, and by input file and encoding.
    std::uint64_t transcoded = 0;
    std::map<std::string, std::uint64_t> transcoded_by_encoding;
    std::map<std::string, std::map<std::string, std::uint64_t>> transcoded_by_file;
    std::uint64_t deleted = 0;          ///< by --delete and --delete-missing
    std::uint64_t unchanged_files = 0;  ///< skipped as unchanged (or done before an interruption)
    std::uint64_t resumed_records = 0;  ///< records an interrupted run had already committed
    bool resumed = false;               ///< this run finished an interrupted one
    std::uint64_t bytes = 0;           ///< input bytes read
    double seconds = 0;
    /// CPU seconds summed over the lanes, by stage (see LaneCounts), and the final compaction.
    double analyze_seconds = 0;
    double write_seconds = 0;
    double commit_seconds = 0;
    double compact_seconds = 0;
    std::size_t lanes = 1;             ///< threads that built and wrote documents
    std::uint64_t doc_count = 0;       ///< documents in the index at the end
    /// Reviews written whose rating has no scale (so it is on no scale: nothing says what it
    /// is out of), and whose rating lies outside 0..its scale. Both keep the rating as given.
    std::uint64_t ratings_without_scale = 0;
    std::uint64_t ratings_off_scale = 0;
    /// Set when the inputs held no review (an index that had reviews before is kept as it
    /// was): what the run saw instead.
    std::string no_reviews;

    /// 1 when the inputs held no review, else 3 when records were rejected, else 0
    /// (DESIGN.md's exit codes).
    [[nodiscard]] int exit_code() const noexcept {
        return !no_reviews.empty() ? 1 : rejected > 0 ? 3 : 0;
    }
    /// The human summary printed at the end of a run.
    void print(std::ostream& out, const std::string& db_path) const;
    [[nodiscard]] std::string to_json() const;
};

struct WritePlan;

/// A run whose inputs hold no review (only files of no known format, empty files, rejected
/// records, or no files at all) into an index that held none: nothing is left behind, and the
/// message says what the run saw. Exit code 1.
class NoReviewsError : public Error {
public:
    explicit NoReviewsError(const std::string& message) : Error(message) {}
};

/// One indexing run: walks the inputs, reads records, tags topics, builds documents, writes
/// them in committed batches, and records the analyzer, the manifest and the run's counts in
/// the database metadata. Bad records are reported to `log` as `source: reason` and counted;
/// they never stop the run.
///
/// Crash safety: each commit also records, in the same transaction, how many records of each
/// input file are done. A run that is killed leaves a database holding exactly the batches
/// committed so far; the same command run again notices the unfinished run and resumes it:
/// it skips the files already done and the committed records of the file it was in (reading
/// them, but not writing them), so the result equals an uninterrupted run.
class IndexJob {
public:
    /// `log` receives rejects, notes and progress; it must outlive the job.
    IndexJob(IndexOptions options, std::ostream& log);

    /// Runs against the on-disk database named in the options. Throws IndexError if it cannot
    /// be opened or written, UsageError for bad options (a missing input, an analyzer that
    /// disagrees with the index), both before anything is written, and NoReviewsError when
    /// the inputs hold no review and the index held none before (a database this run created
    /// is removed again). When the index did hold reviews, such a run ends normally with
    /// IndexSummary::no_reviews set.
    [[nodiscard]] IndexSummary run();

    /// Runs against an open writer (tests use an in-memory database). Throws as run().
    [[nodiscard]] IndexSummary run(IndexWriter& writer);

private:
    [[nodiscard]] IndexSummary execute(WritePlan& plan, const std::vector<corpus::InputFile>& files,
                                       const std::vector<corpus::InputProblem>& problems);
    static void write_stub_for(std::size_t shard_count, const std::string& stub_path);

    IndexOptions options_;
    std::ostream& log_;
};

}  // namespace revsearch::indexer
