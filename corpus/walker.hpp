#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "corpus/inputs.hpp"
#include "corpus/path_template.hpp"
#include "corpus/reader.hpp"
#include "corpus/side_files.hpp"

namespace revsearch::corpus {

/// How inputs are read.
struct WalkOptions {
    Format format = Format::Auto;                  ///< Auto: detect per file or archive member
    std::optional<PathTemplate> path_template;     ///< --path-fields, for one-review-per-file
    std::map<std::string, std::string> csv_mapping;  ///< --map
    std::size_t max_record_bytes = 32u << 20;      ///< --max-record-bytes
    EncodingPolicy encoding;                       ///< --encoding
};

/// Hears what the walker does besides producing records.
class WalkObserver {
public:
    virtual ~WalkObserver() = default;
    /// A file or archive member that is not reviews (a README, a lookup table) was passed over.
    virtual void on_skipped(const std::string& display, const std::string& reason) = 0;
    /// A file or member was read in `format`; `bytes` is its (uncompressed) size if known.
    virtual void on_read(const std::string& display, Format format, std::uint64_t bytes) = 0;
    /// Something about a file or member the user should hear of that is not a reject (bytes
    /// of a converted file that were not valid in its encoding, say).
    virtual void on_warning(const std::string& /*display*/, const std::string& /*message*/) {}
};

/// Reads inputs of any supported kind: plain or compressed files (gzip, zstd, bzip2, xz, read
/// through libarchive) and archives (tar, possibly compressed, and zip), whose members are read
/// in place without unpacking. The format is detected per file or member unless forced.
///
/// In an archive or folder of aclImdb-style files (`<n>_<rating>.txt`) with no --path-fields
/// given, the built-in `aclimdb` template applies. Lookup tables named by a template (such as
/// `urls_pos.txt`) are loaded from an archive in a first pass, since a tar stream cannot seek.
///
/// Input that cannot be read (a truncated .gz, a corrupt archive, an unreadable file) becomes a
/// reject of that file or member, with the reason; the records read before the damage stay.
///
/// Text in other encodings is read as corpus/encoding.hpp says: a file with a UTF-16 or
/// UTF-32 byte order mark (or read as such), or any file under --encoding NAME, is converted
/// to UTF-8 as a whole before its format is detected, and each of its records carries the
/// encoding; other units are decoded by the readers one by one.
///
/// Progress: the sink hears, through on_position(), how many bytes of the file on disk
/// (compressed bytes, for compressed files and archives) have been read, every 256 records and
/// after each archive member. Not thread-safe.
class Walker {
public:
    explicit Walker(WalkOptions options);

    /// Reads one input file, passing records to `sink` and everything else to `observer`.
    /// Never throws CorpusError.
    void walk(const InputFile& file, RecordSink& sink, WalkObserver& observer);

private:
    /// Bytes of the file on disk read so far.
    using Position = std::function<std::uint64_t()>;

    void read_stream(std::istream& in, const InputInfo& info, std::uint64_t size, RecordSink& sink,
                     WalkObserver& observer, const Position& position);
    void walk_archive(const InputFile& file, RecordSink& sink, WalkObserver& observer);
    void preload_side_files(const InputFile& file, const PathTemplate& path_template);

    WalkOptions options_;
    PathTemplate aclimdb_;
    SideFiles side_files_;
    TextDecoder detection_decoder_;  ///< reads a head that is not UTF-8, for format detection
    std::uint64_t records_ = 0;      ///< records passed on, for reporting the position
};

}  // namespace revsearch::corpus
