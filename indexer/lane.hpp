#pragma once

#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "common/analyzer.hpp"
#include "common/review.hpp"
#include "corpus/topic_tagger.hpp"
#include "indexer/bounded_queue.hpp"
#include "indexer/checkpoint.hpp"
#include "indexer/document_builder.hpp"
#include "indexer/writer.hpp"

namespace revsearch::indexer {

/// Part metadata: the spelling counts of the part's own reviews (zstd-compressed
/// `word TAB count` lines). A fresh build writes its spelling data once, at the end; these
/// let a resumed build count the reviews of the parts an interrupted run committed.
inline constexpr std::string_view kMetaPartSpelling = "revsearch:part-spelling";
/// Spelling part metadata: the number of words it holds, written with them, so a spelling
/// part that has it is complete.
inline constexpr std::string_view kMetaSpellingPart = "revsearch:spelling-part";
/// Part metadata, "1": this part's spelling table holds the lane's counts up to and including
/// this part (a lane hands its counts over early when they grow past a bound).
inline constexpr std::string_view kMetaSpellingHandedOver = "revsearch:spelling-handed-over";

/// Where one lane's documents go. Used by the lane's thread only.
class LaneStore {
public:
    virtual ~LaneStore() = default;

    /// Adds the document, or replaces the one with the same id term. `repeated` says the id
    /// already came earlier in this run; a store may rely on ids it has not seen being new.
    /// Returns true when it replaced a document. Throws IndexError.
    virtual bool put(const std::string& id_term, const Xapian::Document& doc, bool repeated) = 0;

    /// Makes everything put so far durable, in one transaction with `metadata` (the lane's
    /// checkpoint) and the `spelling` counts. Throws IndexError.
    virtual void commit(const std::map<std::string, std::string>& metadata,
                        const SpellingCounts& spelling) = 0;

    /// True when spelling counts go in at every commit (a database updated in place); false
    /// when the lane should keep them to the end (write-once parts, where writing the same
    /// word once per part would cost time and space for nothing).
    [[nodiscard]] virtual bool spelling_each_commit() const = 0;
};

/// A store that writes straight into an open database (the single index, or one shard),
/// replacing by id. Does not own the writer.
class DirectStore final : public LaneStore {
public:
    explicit DirectStore(IndexWriter& writer) : writer_(writer) {}
    bool put(const std::string& id_term, const Xapian::Document& doc, bool repeated) override;
    void commit(const std::map<std::string, std::string>& metadata,
                const SpellingCounts& spelling) override;
    [[nodiscard]] bool spelling_each_commit() const override { return true; }

private:
    IndexWriter& writer_;
};

/// A store for a fresh build: each commit closes a small write-once database ("part") in
/// `dir` and the next document starts another. Xapian's cost per document grows with the
/// size of the B-trees a flush merges into, so small parts keep every document cheap; the
/// job compacts the parts into the final database at the end. Parts are named part-0000,
/// part-0001, ...; a part is complete once it holds the checkpoint metadata, and
/// `complete_parts` lists those.
class PartStore final : public LaneStore {
public:
    /// Uses (and creates) `dir`. Incomplete parts left by an interrupted run are removed.
    explicit PartStore(std::string dir);
    ~PartStore() override;

    bool put(const std::string& id_term, const Xapian::Document& doc, bool repeated) override;
    void commit(const std::map<std::string, std::string>& metadata,
                const SpellingCounts& spelling) override;
    [[nodiscard]] bool spelling_each_commit() const override { return false; }

    /// The complete parts, in order.
    [[nodiscard]] std::vector<std::string> complete_parts() const;
    /// The spelling counts the complete parts' reviews have that no spelling table holds yet
    /// (kMetaPartSpelling since the last kMetaSpellingHandedOver). Throws IndexError.
    [[nodiscard]] SpellingCounts saved_spelling() const;
    /// Metadata `key` of the last complete part ("" when there is none).
    [[nodiscard]] std::string last_metadata(const std::string& key) const;

    /// The parts directory of lane `lane` under a build's work directory.
    [[nodiscard]] static std::string lane_dir(const std::string& work_dir, std::size_t lane);

private:
    void open_next();
    [[nodiscard]] std::string part_path(std::size_t n) const;
    /// Removes an earlier copy of `id_term` from a closed part. Returns true if there was one.
    bool remove_from_closed_parts(const std::string& id_term);

    std::string dir_;
    std::size_t next_part_ = 0;   ///< the number the next part gets
    std::unique_ptr<Xapian::WritableDatabase> db_;  ///< the open part, if any
    std::string open_path_;
};

/// The spelling data of a fresh build, kept apart from the parts in databases named
/// spelling-0000, spelling-0001, ... in `dir`. Words counted fewer than `min_count` times are
/// left out: in a corpus they are mostly typos and stray names, poor "did you mean"
/// suggestions. The words are split, in sorted runs, over up to `max_pieces` databases
/// written side by side (a piece gets at least 20,000 words). Each piece is written in one
/// commit, with a marker, so a run that stopped while writing one leaves nothing that
/// spelling_parts() lists. Returns the pieces' paths (none when nothing is kept). Throws
/// IndexError.
std::vector<std::string> write_spelling_parts(const std::string& dir, const SpellingCounts& counts,
                                              Xapian::termcount min_count, std::size_t max_pieces);
/// The complete spelling parts in `dir`, in order; incomplete ones are removed.
[[nodiscard]] std::vector<std::string> spelling_parts(const std::string& dir);
/// Removes the spelling parts in `dir`: a resumed build counts its parts' words again from
/// their kMetaPartSpelling, and writes them once.
void remove_spelling_parts(const std::string& dir);

/// One unit of work for a lane, in input order.
struct LaneItem {
    enum class Kind { BeginFile, Review, Reject, EndFile };
    Kind kind = Kind::Review;
    Review review;              ///< Kind::Review
    bool repeated = false;      ///< Kind::Review: the id came earlier in this run
    std::string display;        ///< BeginFile, EndFile: the input's name
    SourceState state;          ///< BeginFile: size, time and the records (and transcoded
                                ///< records) already done;
                                ///< EndFile: the file's hash
    std::size_t bytes = 0;      ///< text bytes, for batch sizes
    /// Review, Reject: the encoding the record was decoded from, when not UTF-8.
    std::string encoding;
};

/// What a lane needs to build documents.
struct LaneSettings {
    AnalyzerSettings analyzer;
    std::string dictionary;  ///< for stored records; "" stores plain JSON
    const corpus::TopicLexicon* lexicon = nullptr;  ///< nullptr: no topic tagging
    /// The value slot of each lexicon topic's strength, in lexicon order (common/topic_slots.hpp).
    std::vector<Xapian::valueno> topic_slots;
    bool spelling = true;
    std::uint64_t batch_records = 10000;
    std::uint64_t batch_bytes = 64u << 20;
    std::size_t queue_items = 1024;
    std::size_t queue_bytes = 4u << 20;
    /// Make a last commit when the input ends. Off when the caller commits the lane's store
    /// itself afterwards (taking spelling() first), so a run ends in a single commit.
    bool commit_at_end = true;
    /// Keep the spelling counts out of the last commit, for the caller to take (take_spelling())
    /// and write once: a fresh build merges its lanes' counts and writes them in one place.
    bool keep_spelling = false;
    /// Metadata written with every checkpoint (analyzer, schema, run record).
    std::map<std::string, std::string> metadata;
};

/// What a lane did.
struct LaneCounts {
    std::uint64_t added = 0;
    std::uint64_t replaced = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t reviews = 0;  ///< reviews written
    /// Thread CPU seconds by stage: analysis (tagging, spelling counts, building the
    /// document), handing documents to Xapian, and commits (Xapian's flushes).
    double analyze_seconds = 0;
    double write_seconds = 0;
    double commit_seconds = 0;
};

/// A worker thread that turns the reviews routed to it into documents (topic tagging,
/// spelling counts, the analyzer, its own stemmer) and writes them to its store, committing
/// its checkpoint every batch. Items are processed in the order they were pushed.
class Lane {
public:
    /// `store` must outlive the lane. `sources` is the lane's last committed checkpoint, and
    /// `spelling` the counts of what it holds that no spelling table has yet.
    Lane(const LaneSettings& settings, LaneStore& store, SourceMap sources,
         SpellingCounts spelling = {});
    ~Lane();
    Lane(const Lane&) = delete;
    Lane& operator=(const Lane&) = delete;

    /// Queues an item, waiting while the queue is full. Returns false if the lane has
    /// failed (finish() then throws its error).
    bool push(LaneItem&& item);

    /// No more items will come: the lane works through what is queued, makes its final
    /// commit (see commit_at_end) and stops, without the caller waiting. Ending every lane's
    /// input before waiting for any lets their last commits run side by side.
    void end_input();

    /// end_input(), then waits for the thread to stop. Rethrows the error that stopped the
    /// lane, if any.
    void finish();

    /// Final state; valid after finish().
    [[nodiscard]] const LaneCounts& counts() const noexcept { return counts_; }
    [[nodiscard]] const SourceMap& sources() const noexcept { return sources_; }
    /// Spelling counts not yet handed to the store (without commit_at_end, or with
    /// keep_spelling).
    [[nodiscard]] const SpellingCounts& spelling() const noexcept { return spelling_; }
    [[nodiscard]] SpellingCounts take_spelling() noexcept { return std::exchange(spelling_, {}); }

    /// Notes for the log (repeated ids), taken by the caller's thread.
    [[nodiscard]] std::vector<std::string> take_notes();

private:
    void run();
    void process(LaneItem& item);
    /// Adds the batch's counts (part_spelling_) to spelling_.
    void fold_spelling();
    void commit(bool final);
    /// Tags the review's topics and returns what its text says about each.
    std::vector<corpus::TopicEvidence> tag_topics(Review& review);
    /// Stores the strength of each lexicon topic the review holds (tagged or given by its record).
    void add_strengths(const Review& review, const std::vector<corpus::TopicEvidence>& evidence,
                       Xapian::Document& doc) const;

    const LaneSettings& settings_;
    LaneStore& store_;
    SourceMap sources_;
    DocumentBuilder builder_;
    std::unique_ptr<corpus::TopicTagger> tagger_;
    BoundedQueue<LaneItem> queue_;
    LaneCounts counts_;
    SourceState* current_ = nullptr;
    std::string file_term_;
    SpellingCounts spelling_;       ///< counts of the committed batches not handed over
    SpellingCounts part_spelling_;  ///< counts of the batch since the last commit
    ReviewWords words_;  ///< the review being processed, split once
    std::uint64_t pending_records_ = 0;
    std::uint64_t pending_bytes_ = 0;
    std::mutex notes_mutex_;
    std::vector<std::string> notes_;
    std::exception_ptr error_;
    std::thread thread_;
    bool finished_ = false;
};

}  // namespace revsearch::indexer
