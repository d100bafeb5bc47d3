#include "corpus/archive.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <streambuf>
#include <vector>

#include "common/error.hpp"
#include "common/text.hpp"

namespace revsearch::corpus {

namespace {

constexpr std::size_t kBlockBytes = 256 * 1024;

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

struct ArchiveDeleter {
    void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

ArchivePtr open_archive(const std::string& path, bool raw) {
    ArchivePtr a(archive_read_new());
    archive_read_support_filter_all(a.get());
    if (raw) {
        archive_read_support_format_raw(a.get());
    } else {
        archive_read_support_format_all(a.get());
    }
    if (archive_read_open_filename(a.get(), path.c_str(), kBlockBytes) != ARCHIVE_OK) {
        throw CorpusError(path, 0, std::string("cannot open: ") + archive_error_string(a.get()));
    }
    return a;
}

/// A streambuf reading the current entry's data from an open archive, block by block as
/// libarchive decodes them. archive_read_data() is not used: when a read spans two blocks and
/// the second is damaged it drops the bytes already copied from the first, so a truncated file
/// would lose up to a whole buffer of good records before the damage.
class EntryBuffer : public std::streambuf {
public:
    explicit EntryBuffer(archive* a) : archive_(a) {}
    const std::string& error() const noexcept { return error_; }
    /// Bytes the lowest filter (the file reader) has consumed: compressed bytes, read ahead.
    std::uint64_t file_position() const noexcept {
        const la_int64_t n = archive_filter_bytes(archive_, -1);
        return n > 0 ? static_cast<std::uint64_t>(n) : 0;
    }

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        while (block_size_ == 0) {
            const void* block = nullptr;
            la_int64_t offset = 0;
            const int rc = archive_read_data_block(archive_, &block, &block_size_, &offset);
            if (rc == ARCHIVE_EOF) return traits_type::eof();
            if (rc < ARCHIVE_WARN) {
                block_size_ = 0;
                const char* message = archive_error_string(archive_);
                error_ = message != nullptr ? message : "read error";
                throw CorpusError("", 0, error_);
            }
            block_ = static_cast<const char*>(block);
            block_offset_ = offset;
        }
        if (position_ < block_offset_) {  // a hole in a sparse member reads as zeros
            const auto n = static_cast<std::size_t>(
                std::min<la_int64_t>(block_offset_ - position_, kZeros.size()));
            position_ += static_cast<la_int64_t>(n);
            char* zeros = const_cast<char*>(kZeros.data());
            setg(zeros, zeros, zeros + n);
            return traits_type::to_int_type(*gptr());
        }
        // The get area is only read from, so libarchive's const block can back it.
        char* data = const_cast<char*>(block_);
        setg(data, data, data + block_size_);
        position_ = block_offset_ + static_cast<la_int64_t>(block_size_);
        block_size_ = 0;
        return traits_type::to_int_type(*gptr());
    }

private:
    static inline const std::string kZeros = std::string(64 * 1024, '\0');

    archive* archive_;
    const char* block_ = nullptr;
    std::size_t block_size_ = 0;
    la_int64_t block_offset_ = 0;
    la_int64_t position_ = 0;
    std::string error_;
};

}  // namespace

Compression detect_compression(std::string_view head) noexcept {
    auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
    if (starts("\x1f\x8b")) return Compression::Gzip;
    if (starts("\x28\xb5\x2f\xfd")) return Compression::Zstd;
    if (starts("BZh")) return Compression::Bzip2;
    if (starts("\xfd" "7zXZ")) return Compression::Xz;
    return Compression::None;
}

bool is_archive_name(std::string_view path) noexcept {
    const std::string lower = text::ascii_lower(path);
    static constexpr std::string_view kSuffixes[] = {".tar", ".tar.gz", ".tgz", ".tar.zst",
                                                     ".tzst", ".tar.bz2", ".tbz2", ".tar.xz",
                                                     ".txz", ".zip"};
    for (auto s : kSuffixes) {
        if (ends_with(lower, s)) return true;
    }
    return false;
}

class DecompressingStream::Buffer : public EntryBuffer {
public:
    Buffer(ArchivePtr a) : EntryBuffer(a.get()), archive_(std::move(a)) {}

private:
    ArchivePtr archive_;
};

DecompressingStream::DecompressingStream(const std::string& path) : std::istream(nullptr) {
    ArchivePtr a = open_archive(path, true);
    archive_entry* entry = nullptr;
    if (archive_read_next_header(a.get(), &entry) != ARCHIVE_OK) {
        throw CorpusError(path, 0, std::string("cannot decompress: ") + archive_error_string(a.get()));
    }
    buffer_ = std::make_unique<Buffer>(std::move(a));
    rdbuf(buffer_.get());
    // A decompression error inside underflow() throws; istream turns it into badbit.
}

DecompressingStream::~DecompressingStream() = default;

const std::string& DecompressingStream::error() const noexcept { return buffer_->error(); }

std::uint64_t DecompressingStream::file_position() const noexcept {
    return buffer_->file_position();
}

std::string normalise_member_path(std::string_view path) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view part = path.substr(start, end - start);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        start = end + 1;
    }
    std::string out;
    for (const std::string_view part : parts) {
        if (!out.empty()) out += '/';
        out += part;
    }
    return out.empty() ? "unnamed" : out;
}

void for_each_entry(const std::string& archive_path,
                    const std::function<void(ArchiveEntry&)>& visit, const SkippedMember& skipped) {
    ArchivePtr a = open_archive(archive_path, false);
    archive_entry* entry = nullptr;
    while (true) {
        const int rc = archive_read_next_header(a.get(), &entry);
        if (rc == ARCHIVE_EOF) return;
        if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
            throw CorpusError(archive_path, 0,
                              std::string("corrupt archive: ") + archive_error_string(a.get()));
        }
        const char* name = archive_entry_pathname(entry);
        const std::string path = normalise_member_path(name != nullptr ? name : "");
        // A hard link is a regular file by its type, with a target and (in tar) no data.
        if (const char* target = archive_entry_hardlink(entry); target != nullptr) {
            if (skipped) skipped(path, std::string("hard link to '") + target + "', not followed");
            continue;
        }
        if (archive_entry_filetype(entry) == AE_IFLNK) {
            const char* target = archive_entry_symlink(entry);
            if (skipped) {
                skipped(path, std::string("symbolic link to '") +
                                  (target != nullptr ? target : "") + "', not followed");
            }
            continue;
        }
        if (archive_entry_filetype(entry) != AE_IFREG) continue;
        EntryBuffer buffer(a.get());
        std::istream data(&buffer);
        ArchiveEntry member{path, static_cast<std::uint64_t>(archive_entry_size(entry)), data,
                            [&buffer] { return buffer.file_position(); }};
        visit(member);
        if (!buffer.error().empty()) {
            throw CorpusError(archive_path, 0, "corrupt archive member " + member.path + ": " +
                                                   buffer.error());
        }
    }
}

}  // namespace revsearch::corpus
