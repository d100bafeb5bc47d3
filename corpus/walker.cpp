#include "corpus/walker.hpp"

#include <algorithm>
#include <fstream>
#include <memory>
#include <regex>
#include <streambuf>

#include "common/error.hpp"
#include "common/text.hpp"
#include "corpus/archive.hpp"
#include "corpus/bounded_line.hpp"

namespace revsearch::corpus {

namespace {

constexpr std::size_t kHeadBytes = 4096;

/// Serves bytes already read (the head used for detection), then the rest of another stream.
class ChainBuffer : public std::streambuf {
public:
    ChainBuffer(std::string head, std::streambuf* rest) : head_(std::move(head)), rest_(rest) {
        setg(head_.data(), head_.data(), head_.data() + head_.size());
    }

    /// True when the underlying stream threw (corrupt compressed data), as opposed to a reader.
    [[nodiscard]] bool failed() const noexcept { return failed_; }

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        std::streamsize n = 0;
        try {
            n = rest_->sgetn(buffer_, sizeof buffer_);
        } catch (...) {
            failed_ = true;
            throw;
        }
        if (n <= 0) return traits_type::eof();
        setg(buffer_, buffer_, buffer_ + n);
        return traits_type::to_int_type(*gptr());
    }

private:
    std::string head_;
    std::streambuf* rest_;
    char buffer_[64 * 1024];
    bool failed_ = false;
};

/// Passes on at most `cap` bytes of another stream buffer, then says end of input, so a reader
/// that takes a whole file as one record never holds more than that (a small .gz can expand to
/// gigabytes). cut() tells whether bytes were held back; drain() reads them to count them.
class CappedBuffer : public std::streambuf {
public:
    CappedBuffer(std::streambuf* source, std::uint64_t cap) : source_(source), cap_(cap) {}

    /// True when the source had bytes past the cap.
    [[nodiscard]] bool cut() const noexcept { return cut_; }

    /// Reads what is left of the source, in blocks, and returns the source's whole length.
    std::uint64_t drain() {
        std::uint64_t total = passed_;
        std::streamsize n = 0;
        while ((n = source_->sgetn(buffer_, sizeof buffer_)) > 0) total += static_cast<std::uint64_t>(n);
        passed_ = total;
        return total;
    }

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        if (passed_ >= cap_) {
            if (!cut_ && !traits_type::eq_int_type(source_->sgetc(), traits_type::eof())) cut_ = true;
            return traits_type::eof();
        }
        const auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(sizeof buffer_, cap_ - passed_));
        const std::streamsize n = source_->sgetn(buffer_, want);
        if (n <= 0) return traits_type::eof();
        passed_ += static_cast<std::uint64_t>(n);
        setg(buffer_, buffer_, buffer_ + n);
        return traits_type::to_int_type(*gptr());
    }

private:
    std::streambuf* source_;
    std::uint64_t cap_;
    std::uint64_t passed_ = 0;
    bool cut_ = false;
    char buffer_[64 * 1024];
};

std::string read_some(std::istream& in, std::size_t n) {
    std::string head(n, '\0');
    in.read(head.data(), static_cast<std::streamsize>(n));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head;
}

std::string without_compression_suffix(const std::string& path) {
    static constexpr std::string_view kSuffixes[] = {".gz", ".zst", ".bz2", ".xz"};
    for (auto s : kSuffixes) {
        if (path.size() > s.size() && text::ascii_lower(path.substr(path.size() - s.size())) == s) {
            return path.substr(0, path.size() - s.size());
        }
    }
    return path;
}

bool is_aclimdb_name(const std::string& path) {
    static const std::regex re(R"((^|/)\d+_\d+\.txt$)");
    return std::regex_search(path, re);
}

/// A CorpusError's reason without the "file:line: " its message starts with. The reject names
/// the file already, and rejects are counted by reason, so the reason must not vary with it.
std::string reason_of(const CorpusError& e) {
    const std::string what = e.what();
    std::string prefix = e.file();
    if (e.line() > 0) prefix += ":" + std::to_string(e.line());
    prefix += ": ";
    return text::starts_with(what, prefix) ? what.substr(prefix.size()) : what;
}

std::string basename_of(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// Sits between a reader and the caller's sink: rejects records over --max-record-bytes
/// (whatever reader produced them, so the limit holds for every format, compressed or not),
/// marks the records of a file converted as a whole with its encoding, and every 256 records
/// tells the sink how far into the file on disk reading has got.
class LimitingSink final : public RecordSink {
public:
    LimitingSink(RecordSink& inner, std::size_t max, std::string stream_encoding,
                 const std::function<std::uint64_t()>& position, std::uint64_t& records,
                 CappedBuffer* capped)
        : inner_(inner),
          max_(max),
          stream_encoding_(std::move(stream_encoding)),
          position_(position),
          records_(records),
          capped_(capped) {}
    void on_review(Review&& r) override {
        report_position();
        if (r.source_encoding.empty()) r.source_encoding = stream_encoding_;
        if (capped_ != nullptr && capped_->cut()) {  // a one-review file read only up to the limit
            inner_.on_reject(Reject{r.source, record_too_large(capped_->drain(), max_),
                                    text::truncate_utf8(r.body, 1024), r.source_encoding});
            return;
        }
        const std::size_t size = r.body.size() + r.title.size() + r.reviewer.size() + r.product.size();
        if (max_ > 0 && size > max_) {
            inner_.on_reject(Reject{r.source,
                                    "record larger than --max-record-bytes (" +
                                        std::to_string(size) + " > " + std::to_string(max_) +
                                        " bytes)",
                                    text::truncate_utf8(r.body, 1024), r.source_encoding});
            return;
        }
        inner_.on_review(std::move(r));
    }
    void on_reject(Reject&& r) override {
        report_position();
        if (r.encoding.empty()) r.encoding = stream_encoding_;
        inner_.on_reject(std::move(r));
    }

private:
    /// Asked once per 256 records: a plain file's position costs a system call.
    void report_position() {
        if ((++records_ & 255) == 0) inner_.on_position(position_());
    }

    RecordSink& inner_;
    std::size_t max_;
    std::string stream_encoding_;
    const std::function<std::uint64_t()>& position_;
    std::uint64_t& records_;
    CappedBuffer* capped_;
};

}  // namespace

Walker::Walker(WalkOptions options)
    : options_(std::move(options)), aclimdb_(PathTemplate::aclimdb()) {}

void Walker::read_stream(std::istream& raw, const InputInfo& info, std::uint64_t size,
                         RecordSink& sink, WalkObserver& observer, const Position& position) {
    std::string head = read_some(raw, kHeadBytes);
    if (raw.bad()) return;  // the caller reports the damage
    raw.clear(raw.rdstate() & ~std::ios::failbit & ~std::ios::eofbit);
    const std::string name = without_compression_suffix(info.relative);

    // A file in UTF-16 (or under --encoding NAME) becomes UTF-8 before anything looks at it.
    const StreamDecoding stream = decide_stream(head, options_.encoding);
    head.erase(0, stream.skip);
    ChainBuffer bytes(head, raw.rdbuf());
    std::unique_ptr<TranscodingBuffer> converted;
    std::unique_ptr<ChainBuffer> converted_chain;
    std::streambuf* text = &bytes;
    if (!stream.from.empty()) {
        converted = std::make_unique<TranscodingBuffer>(&bytes, stream.from);
        std::istream peek(converted.get());
        head = read_some(peek, kHeadBytes);
        if (peek.bad()) {
            raw.setstate(std::ios::badbit);
            return;
        }
        converted_chain = std::make_unique<ChainBuffer>(head, converted.get());
        text = converted_chain.get();
    }
    // Detection reads the head as the readers will read the file's units.
    if (stream.from.empty() && options_.encoding.mode == EncodingPolicy::Mode::Auto &&
        !text::is_valid_utf8(head)) {
        (void)detection_decoder_.decode(head);
    }

    Format format = options_.format;
    const PathTemplate* path_template = options_.path_template ? &*options_.path_template : nullptr;
    if (format == Format::Auto) {
        format = detect_format(name, head);
        if (path_template == nullptr && is_aclimdb_name(name)) {
            format = Format::Text;
            path_template = &aclimdb_;
        } else if (path_template != nullptr && format == Format::Auto && path_template->match(name)) {
            format = Format::Text;  // the user's template says this file is a review
        }
    } else if (format == Format::Text && path_template == nullptr && is_aclimdb_name(name)) {
        path_template = &aclimdb_;
    }
    if (format == Format::Auto) {
        observer.on_skipped(info.display, "not a recognised review format (name one with --format)");
        return;
    }
    const std::string stream_encoding = stream.from.empty() ? "" : display_name(stream.from);
    const bool one_per_file = format == Format::Page || format == Format::Text;
    if (one_per_file && options_.max_record_bytes > 0 && size > options_.max_record_bytes) {
        sink.on_reject(Reject{info.display,
                              "record larger than --max-record-bytes (" + std::to_string(size) +
                                  " > " + std::to_string(options_.max_record_bytes) + " bytes)",
                              text::truncate_utf8(text::repair_utf8(head), 1024), stream_encoding});
        observer.on_read(info.display, format, size);
        return;
    }
    ReaderContext context;
    context.path_template = path_template;
    context.side_files = &side_files_;
    context.csv_mapping = options_.csv_mapping;
    context.max_record_bytes = options_.max_record_bytes;
    // A converted stream is UTF-8 now; what did not convert is already U+FFFD.
    context.encoding =
        stream.from.empty() ? options_.encoding : EncodingPolicy{EncodingPolicy::Mode::Utf8, ""};
    if (context.encoding.mode == EncodingPolicy::Mode::Named) context.encoding = EncodingPolicy{};
    // A one-review file whose size on disk says nothing of its text (compressed) is read only
    // up to the limit; a record-based reader bounds its own records.
    std::unique_ptr<CappedBuffer> capped;
    if (one_per_file && options_.max_record_bytes > 0) {
        capped = std::make_unique<CappedBuffer>(text, options_.max_record_bytes + std::uint64_t{1});
        text = capped.get();
    }
    std::istream in(text);
    LimitingSink limited(sink, options_.max_record_bytes, stream_encoding, position, records_,
                         capped.get());
    try {
        make_reader(format, context)->read(in, info, limited);
    } catch (const CorpusError& e) {
        // A reader that reads the buffer directly (istreambuf_iterator) lets a decompression
        // error through instead of setting badbit; it is the input's damage, which the caller
        // reports once for the whole file or archive, not a bad record.
        if (bytes.failed()) {
            raw.setstate(std::ios::badbit);
            observer.on_read(info.display, format, size);
            return;
        }
        const std::string where =
            e.line() > 0 ? info.display + ":" + std::to_string(e.line()) : info.display;
        sink.on_reject(Reject{where, reason_of(e), "", stream_encoding});
    }
    if (in.bad()) raw.setstate(std::ios::badbit);
    if (converted && converted->replaced() > 0) {
        observer.on_warning(info.display, std::to_string(converted->replaced()) +
                                              " byte sequences not valid in " + stream_encoding +
                                              " were read as U+FFFD");
    }
    observer.on_read(info.display, format, size);
}

void Walker::walk(const InputFile& file, RecordSink& sink, WalkObserver& observer) {
    if (is_archive_name(file.path)) {
        walk_archive(file, sink, observer);
        return;
    }
    try {
        const std::string head = read_head(file.path, 8);
        if (detect_compression(head) == Compression::None) {
            auto in = open_input(file.path);
            std::streambuf* buffer = in->rdbuf();
            const Position position = [buffer] {
                const std::streamoff at = buffer->pubseekoff(0, std::ios::cur, std::ios::in);
                return at > 0 ? static_cast<std::uint64_t>(at) : std::uint64_t{0};
            };
            read_stream(*in, file.info, file.size, sink, observer, position);
            if (in->bad()) sink.on_reject(Reject{file.info.display, "read error", ""});
            return;
        }
        // The magic number said compressed, so a stream that cannot even start is damaged
        // data (a file cut off inside its first block), not an unreadable file.
        std::unique_ptr<DecompressingStream> opened;
        try {
            opened = std::make_unique<DecompressingStream>(file.path);
        } catch (const CorpusError& e) {
            sink.on_reject(Reject{file.info.display,
                                  "truncated or corrupt compressed data: " + reason_of(e), ""});
            return;
        }
        DecompressingStream& in = *opened;
        const Position position = [&in] { return in.file_position(); };
        read_stream(in, file.info, 0, sink, observer, position);
        if (in.bad()) {
            sink.on_reject(Reject{file.info.display,
                                  "truncated or corrupt compressed data" +
                                      (in.error().empty() ? std::string() : ": " + in.error()),
                                  ""});
        }
    } catch (const CorpusError& e) {
        sink.on_reject(Reject{file.info.display, "unreadable file: " + reason_of(e), ""});
    }
}

void Walker::preload_side_files(const InputFile& file, const PathTemplate& path_template) {
    std::vector<std::regex> patterns;
    for (const auto& lookup : path_template.lookups()) {
        std::string re;
        const std::string base = basename_of(lookup.file_pattern);
        for (std::size_t i = 0; i < base.size(); ++i) {
            if (base[i] == '{') {
                i = base.find('}', i);
                re += "[^/]+";
            } else if (std::string_view(".^$|()[]*+?\\").find(base[i]) != std::string_view::npos) {
                re += std::string("\\") + base[i];
            } else {
                re += base[i];
            }
        }
        patterns.emplace_back("^" + re + "$");
    }
    if (patterns.empty()) return;
    for_each_entry(file.path, [&](ArchiveEntry& entry) {
        const std::string base = basename_of(entry.path);
        for (const auto& p : patterns) {
            if (std::regex_match(base, p)) {
                std::string content(std::istreambuf_iterator<char>(entry.data), {});
                if (options_.encoding.mode == EncodingPolicy::Mode::Auto) {
                    (void)detection_decoder_.decode(content);  // a lookup table is text too
                }
                side_files_.add(entry.path, std::move(content));
                return;
            }
        }
    });
}

void Walker::walk_archive(const InputFile& file, RecordSink& sink, WalkObserver& observer) {
    try {
        const PathTemplate& lookups_from = options_.path_template ? *options_.path_template : aclimdb_;
        try {
            preload_side_files(file, lookups_from);
        } catch (const CorpusError&) {
            // Damage found while looking for lookup tables is met again, and reported, by the
            // pass below, which first reads the members before it.
        }
        for_each_entry(file.path, [&](ArchiveEntry& entry) {
            InputInfo info;
            info.display = file.info.display + "!/" + entry.path;
            info.relative = entry.path;
            info.lookup_base = entry.path;
            read_stream(entry.data, info, entry.size, sink, observer, entry.file_position);
            sink.on_position(entry.file_position());
        }, [&](const std::string& path, const std::string& reason) {
            observer.on_skipped(file.info.display + "!/" + path, reason);
        });
    } catch (const CorpusError& e) {
        const std::string reason = reason_of(e);
        sink.on_reject(Reject{file.info.display,
                              text::starts_with(reason, "corrupt archive")
                                  ? reason
                                  : "corrupt archive: " + reason,
                              ""});
    }
}

}  // namespace revsearch::corpus
