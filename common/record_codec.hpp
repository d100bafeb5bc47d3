#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

/// How stored review records are packed in the database.
///
/// Each document's data is the review as JSON (common/review.hpp). Xapian compresses each
/// record on its own with zlib, which does little for a record of a kilobyte or two: there is
/// no history to match against. A zstd dictionary trained on the corpus's own records gives
/// every record that history, so records shrink to about half of what zlib makes of them and
/// decode in microseconds. The dictionary lives in the database metadata
/// (schema::kMetaDictionary); each record is a zstd frame naming its dictionary's id, and a
/// record that starts with '{' is plain JSON (older indexes, or a build without a dictionary).
///
/// Where a record is kept: plain JSON is the document data, where other Xapian tools look for
/// it. A compressed record goes in value slot schema::kRecordSlot instead. Glass tries zlib on
/// every document-data entry when it is written, and tries again on every entry a compaction
/// copies that zlib could not shrink. A zstd frame never shrinks, so as document data each
/// record paid for two failed deflates: about half of the final compaction's time. Values are
/// stored as they are, and a compaction copies them as they are.
namespace revsearch {

class RecordCodec {
public:
    /// A codec without a dictionary: encode() returns records unchanged.
    RecordCodec();
    /// A codec for `dictionary` (as train() made it, or read from the metadata). Throws Error
    /// if it is not a zstd dictionary. Level 3 is the measured sweet spot: on 20,000 reviews
    /// it made 10.2 MB in 0.17 s, where level 9 made 9.7 MB in 1.07 s and level 5 10.9 MB.
    explicit RecordCodec(const std::string& dictionary, int level = 3);
    ~RecordCodec();
    RecordCodec(RecordCodec&&) noexcept;
    RecordCodec& operator=(RecordCodec&&) noexcept;

    /// The dictionary size train() aims at by default: zstd's own default for its trainer.
    static constexpr std::size_t kDictionaryBytes = 110 * 1024;

    /// Trains a dictionary of at most `max_bytes` on sample records. Returns "" when the samples
    /// are too few or too alike to train on (callers then store plain records). zstd's search
    /// over trainer parameters runs on `threads` threads; the dictionary is the same for any
    /// number.
    [[nodiscard]] static std::string train(const std::vector<std::string>& samples,
                                           std::size_t max_bytes = kDictionaryBytes,
                                           unsigned threads = 1);

    /// The stored form of a record. Not thread-safe (it reuses one compression context): give
    /// each thread its own codec.
    [[nodiscard]] std::string encode(std::string_view record);

    /// The record from its stored form: plain JSON is returned as it is; a zstd frame is
    /// decompressed with this codec's dictionary. Throws Error for a frame of another
    /// dictionary or damaged data. Not thread-safe.
    [[nodiscard]] std::string decode(std::string_view stored);

    [[nodiscard]] bool has_dictionary() const noexcept { return !dictionary_.empty(); }
    /// The dictionary's id (0 without one).
    [[nodiscard]] unsigned id() const noexcept;
    /// The id of the dictionary a stored record needs (0 for a plain record).
    [[nodiscard]] static unsigned frame_id(std::string_view stored) noexcept;
    [[nodiscard]] const std::string& dictionary() const noexcept { return dictionary_; }

private:
    struct Contexts;
    std::string dictionary_;
    std::unique_ptr<Contexts> contexts_;
};

/// Puts `stored` (an encode() result) where it belongs in `doc`.
void store_record(Xapian::Document& doc, std::string stored);

/// The stored form of a document's record, wherever it was put (document data or value slot).
[[nodiscard]] std::string stored_record(const Xapian::Document& doc);

/// Decodes records made with any of several dictionaries: shards indexed by separate runs
/// each trained their own, and a search over them meets records of all. Not thread-safe.
class RecordDecoder {
public:
    /// Adds a dictionary ("" and dictionaries already known are ignored). Throws Error if it
    /// is not a zstd dictionary.
    void add(const std::string& dictionary);
    /// As RecordCodec::decode(), with the dictionary the record names.
    [[nodiscard]] std::string decode(std::string_view stored);

private:
    std::vector<RecordCodec> codecs_;
};

}  // namespace revsearch
