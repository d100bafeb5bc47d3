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

/// One file inside an archive, handed to the visitor of for_each_entry().
struct ArchiveEntry {
    std::string path;     ///< the member's path inside the archive
    std::uint64_t size;   ///< its uncompressed size
    std::istream& data;   ///< its bytes; valid only during the callback
    /// Bytes of the archive file (compressed) read so far, for progress; valid only during
    /// the callback. Grows to the archive's size over the visit, never backwards.
    std::function<std::uint64_t()> file_position;
};

/// Calls `visit` for each regular file in the archive, in archive order. Throws CorpusError if
/// the archive cannot be opened or is corrupt (entries visited before that stay visited).
void for_each_entry(const std::string& archive_path,
                    const std::function<void(ArchiveEntry&)>& visit);

}  // namespace revsearch::corpus
