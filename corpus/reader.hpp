#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/review.hpp"
#include "corpus/encoding.hpp"

namespace revsearch::corpus {

/// Receives what a reader finds. Called on the reader's thread, in input order.
class RecordSink {
public:
    virtual ~RecordSink() = default;
    virtual void on_review(Review&& review) = 0;
    virtual void on_reject(Reject&& reject) = 0;
    /// Reading has reached `bytes` into the current file (from time to time, not after every
    /// record, and only where the file's position can be known): for progress within a file.
    virtual void on_position(std::uint64_t /*bytes*/) {}
};

/// Where an input came from.
struct InputInfo {
    std::string display;   ///< the path as the user will recognise it; goes into `source`
    std::string relative;  ///< the path below the input root that was named; ids derive from it
    /// Where side files are looked up from: the file's path on disk, or its path inside the
    /// archive (defaults to `display` when empty).
    std::string lookup_base;
};

/// The input formats revsearch reads (README.md, "Input formats").
enum class Format { Auto, Jsonl, Page, Amazon, Review, Text, Trec, Smart, Csv, Tsv };

class PathTemplate;
class SideFiles;

/// What some readers need beyond the input itself.
struct ReaderContext {
    const PathTemplate* path_template = nullptr;  ///< Text: fields from paths
    SideFiles* side_files = nullptr;              ///< Text: lookup tables
    std::map<std::string, std::string> csv_mapping;  ///< Csv/Tsv: review field -> column
    /// Records larger than this are rejected, not indexed (0: no limit).
    std::size_t max_record_bytes = 0;
    /// How units that are not UTF-8 are read (--encoding; corpus/encoding.hpp).
    EncodingPolicy encoding;
};

/// Parses a format name ("auto", "jsonl", "page", "amazon", "review", "text", "trec",
/// "smart", "csv", "tsv"). Throws UsageError for anything else.
[[nodiscard]] Format parse_format(std::string_view name);
[[nodiscard]] std::string_view format_name(Format format);
/// Every concrete format's name, for help texts.
[[nodiscard]] std::vector<std::string_view> format_names();

/// Guesses the format from the file name (without any compression suffix) and the first bytes
/// of its (decompressed) content. Returns Auto when the input is not recognisably reviews: a
/// README, a PROVENANCE.md, a binary file, a SMART or TREC *query* file, a list of URLs.
[[nodiscard]] Format detect_format(std::string_view path, std::string_view head);

/// Reads one input's records. Implementations are stateless between calls and may be used from
/// one thread at a time.
class Reader {
public:
    virtual ~Reader() = default;

    /// Reads every record of `in`, passing each to `sink` as a Review or a Reject. Bad records
    /// never throw. Throws CorpusError only when the input as a whole cannot be read.
    /// Each unit (a one-review file, a line, a record) that is not UTF-8 is decoded by the
    /// reader's policy (set_encoding()); a transcoded record carries the encoding it came from.
    virtual void read(std::istream& in, const InputInfo& info, RecordSink& sink) = 0;

    /// How units that are not UTF-8 are read from now on (the default: EncodingPolicy::Auto).
    void set_encoding(const EncodingPolicy& policy) { decoder_ = TextDecoder(policy); }

protected:
    TextDecoder decoder_;
};

/// The reader for a concrete format. Throws UsageError for Auto. `context` must outlive it.
[[nodiscard]] std::unique_ptr<Reader> make_reader(Format format, const ReaderContext& context);
/// The same with an empty context.
[[nodiscard]] std::unique_ptr<Reader> make_reader(Format format);

/// The id a record gets when its input gives none: the relative path, plus `:line` when the
/// input holds many records (`line` > 0).
[[nodiscard]] std::string derived_id(const InputInfo& info, std::size_t line);

/// The relative path without its extension(s) (".txt", ".json.gz"): the id of a one-review file.
[[nodiscard]] std::string strip_extensions(std::string_view relative);

}  // namespace revsearch::corpus
