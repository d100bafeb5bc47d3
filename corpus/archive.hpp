#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

/// Reading compressed files and archives through libarchive, so that gzip, zstd, bzip2 and xz
/// streams and tar/zip archives are all read the same way, without unpacking to disk.
namespace revsearch::corpus {

/// The compression of a file, from its first bytes.
enum class Compression { None, Gzip, Zstd, Bzip2, Xz };

/// Recognises gzip, zstd, bzip2 and xz by their magic numbers.
[[nodiscard]] Compression detect_compression(std::string_view head) noexcept;

/// True when the path names an archive of many files (tar, possibly compressed, or zip).
[[nodiscard]] bool is_archive_name(std::string_view path) noexcept;

/// A stream over a compressed file's decompressed bytes. Reading past corrupt or truncated
/// data sets badbit; error() then says what libarchive reported. Not thread-safe.
class DecompressingStream : public std::istream {
public:
    /// Throws CorpusError if the file cannot be opened.
    explicit DecompressingStream(const std::string& path);
    ~DecompressingStream() override;

    /// The decompression error that ended the stream, or empty.
    [[nodiscard]] const std::string& error() const noexcept;

    /// Bytes of the compressed file read so far (libarchive reads ahead by up to 256 KiB), for
    /// progress: it grows to the file's size, never backwards.
    [[nodiscard]] std::uint64_t file_position() const noexcept;

private:
    class Buffer;
    std::unique_ptr<Buffer> buffer_;
};

/// A member's path as a relative path with no `.` or `..` component and no leading `/`, so
/// that ids and paths taken from it never point outside the archive: `../../x.txt` becomes
/// `x.txt`, `/abs/x.txt` becomes `abs/x.txt`, `a/./b/../c.txt` becomes `a/c.txt`. A `..` that
/// would climb above the top is dropped. A path with nothing left is "unnamed".
[[nodiscard]] std::string normalise_member_path(std::string_view path);

/// One file inside an archive, handed to the visitor of for_each_entry().
struct ArchiveEntry {
    std::string path;    ///< the member's path inside the archive, normalise_member_path()'d
    std::uint64_t size;  ///< its uncompressed size
    std::istream& data;  ///< its bytes; valid only during the callback
    /// Bytes of the archive file (compressed) read so far, for progress; valid only during
    /// the callback. Grows to the archive's size over the visit, never backwards.
    std::function<std::uint64_t()> file_position;
};

/// Called for an archive member that is not read: its normalised path and why.
using SkippedMember = std::function<void(const std::string& path, const std::string& reason)>;

/// Calls `visit` for each regular file in the archive, in archive order, and `skipped` (when
/// given) for each symbolic or hard link, which are not followed: a link's target is either
/// another member, read in its own right, or outside the archive. Directories and other
/// entries are passed over. Throws CorpusError if the archive cannot be opened or is corrupt
/// (entries visited before that stay visited).
void for_each_entry(const std::string& archive_path,
                    const std::function<void(ArchiveEntry&)>& visit,
                    const SkippedMember& skipped = {});

}  // namespace revsearch::corpus
