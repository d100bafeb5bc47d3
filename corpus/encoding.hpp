#pragma once

#include <cstdint>
#include <memory>
#include <streambuf>
#include <string>
#include <string_view>

/// Reading input text in whatever encoding it was written in (--encoding), through ICU's
/// converters and charset detector. Everything past this point is UTF-8.
///
/// The rules (README.md, "Encodings"):
/// - Valid UTF-8 is kept as it is, byte for byte.
/// - A byte order mark decides UTF-8, UTF-16LE/BE or UTF-32LE/BE for the whole file; a file
///   whose first bytes ICU reads as UTF-16 or UTF-32 without one is converted as a whole too.
///   Either way the file is UTF-8 before any reader or format detection sees it.
/// - Otherwise each unit (a one-review file, a JSON line, a record of a record-based format)
///   that is not valid UTF-8 is decoded on its own, so a UTF-8 file with one legacy record keeps
///   its other records untouched:
///   - binary data (looks_binary()) is rejected: no text encoding fits it;
///   - a unit with more well-formed multi-byte UTF-8 sequences than stray bytes is UTF-8 with a
///     few legacy bytes: the sequences are kept and each stray byte is read as windows-1252;
///   - otherwise ICU's detector proposes encodings, constrained to what is plausible (see
///     TextDecoder::examine()), with windows-1252 as the fallback that decodes every byte (the
///     WHATWG Encoding Standard's rule for legacy Latin text, where ISO-8859-1 is its alias).
namespace revsearch::corpus {

/// How input bytes become text: --encoding auto|utf-8|NAME.
struct EncodingPolicy {
    enum class Mode {
        Auto,   ///< the rules above
        Utf8,   ///< strict: a unit that is not UTF-8 is rejected as "invalid UTF-8"
        Named,  ///< every file is converted from `name` (a byte order mark still decides)
    };
    Mode mode = Mode::Auto;
    std::string name;  ///< Named: the encoding's display name (see display_name())

    /// Parses "auto", "utf-8" (also "utf8", any case) or any encoding name or alias ICU knows
    /// ("windows-1252", "cp1252", "latin1", "UTF-16LE", "koi8-r", "shift_jis"). Throws
    /// UsageError for a name ICU does not know.
    [[nodiscard]] static EncodingPolicy parse(std::string_view spec);
    /// "auto", "utf-8" or the name, as --encoding would take it back.
    [[nodiscard]] std::string describe() const;
};

/// The name revsearch reports for an encoding ICU knows by `name` or an alias of it: the MIME
/// name when there is one ("ISO-8859-1", "Shift_JIS", "UTF-16LE"), else the IANA name
/// ("windows-1252"), else ICU's. Returns "" when ICU does not know the name.
[[nodiscard]] std::string display_name(std::string_view name);

/// A byte order mark at the start of a stream.
struct ByteOrderMark {
    std::string_view
        encoding;  ///< "UTF-8", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"; empty: none
    std::size_t length = 0;  ///< its bytes
};

/// The byte order mark `head` starts with, if any (UTF-32's are checked before UTF-16's, whose
/// little-endian mark they begin with).
[[nodiscard]] ByteOrderMark byte_order_mark(std::string_view head) noexcept;

/// How a whole stream is read before any reader sees it.
struct StreamDecoding {
    std::size_t skip = 0;  ///< bytes of byte order mark to drop
    std::string from;      ///< convert every byte from this encoding to UTF-8; "" keeps the bytes
};

/// Decides, from a stream's first bytes, whether the whole stream must be converted: a UTF-16
/// or UTF-32 byte order mark (not under Utf8), a named encoding, or (under Auto) a head that
/// holds NUL bytes and that ICU's detector reads as UTF-16 or UTF-32 with confidence of at least
/// kWholeStreamConfidence. A UTF-8 byte order mark is dropped under every policy.
[[nodiscard]] StreamDecoding decide_stream(std::string_view head, const EncodingPolicy& policy);

/// ICU's confidence (0-100) needed to read a stream without a byte order mark as UTF-16 or
/// UTF-32. ICU reaches 100 after about 30 code units that are Latin-1 characters and gives up on
/// anything with many zero code units, so this passes text and refuses binary data.
inline constexpr int kWholeStreamConfidence = 80;

/// True when `unit`, which is not valid UTF-8, is binary data rather than text: it holds a NUL
/// byte, or more than one byte in a hundred (and at least two) is a C0 control other than tab,
/// line feed, vertical tab, form feed, carriage return and escape. No text encoding revsearch
/// reads produces those bytes, while random or compressed bytes hold them by the tenth.
[[nodiscard]] bool looks_binary(std::string_view unit) noexcept;

/// How one unit of input was read.
struct Decoding {
    enum class Kind {
        Utf8,     ///< valid UTF-8, kept as it is
        Legacy,   ///< decoded from `encoding`
        Mixed,    ///< UTF-8 with stray bytes, each read as windows-1252
        Binary,   ///< rejected: binary data
        Invalid,  ///< rejected: not UTF-8, under the strict policy
    };
    Kind kind = Kind::Utf8;
    /// Legacy: the encoding's display name; Mixed: kMixedEncoding; otherwise empty.
    std::string encoding;

    [[nodiscard]] bool transcoded() const noexcept {
        return kind == Kind::Legacy || kind == Kind::Mixed;
    }
    [[nodiscard]] bool rejected() const noexcept {
        return kind == Kind::Binary || kind == Kind::Invalid;
    }
    /// The reject reason of a rejected unit ("binary data, not text in any encoding" or
    /// "invalid UTF-8"); empty otherwise. Stable: rejects are counted by it.
    [[nodiscard]] std::string_view reason() const noexcept;
};

/// The name counted for units of UTF-8 with stray windows-1252 bytes.
inline constexpr std::string_view kMixedEncoding = "UTF-8+windows-1252";

/// Decides and performs the decoding of units. Named policies are treated as Utf8: the walker
/// converts such files as a whole (decide_stream()), so their units reach readers as UTF-8.
/// ICU objects are opened on first use. Not thread-safe; cheap to construct.
class TextDecoder {
public:
    explicit TextDecoder(EncodingPolicy policy = {});
    ~TextDecoder();
    TextDecoder(TextDecoder&&) noexcept;
    TextDecoder& operator=(TextDecoder&&) noexcept;

    /// Decides how `unit` is read. For a unit that is not UTF-8, in Auto mode: looks_binary()
    /// rejects it; more well-formed multi-byte UTF-8 sequences than stray bytes make it Mixed;
    /// otherwise ICU's proposals (in order of confidence, at least 10) are taken in turn, and
    /// the first that is plausible wins, else windows-1252:
    /// - a Cyrillic, Greek, Hebrew, Arabic, Chinese, Japanese or Korean encoding, when at least
    ///   8 bytes are not ASCII and they outnumber the ASCII letters (text in those scripts is
    ///   mostly non-ASCII; Latin text with accents is not), and the unit decodes in it without
    ///   error (or in its Windows sibling: windows-1255 for ISO-8859-8);
    /// - ISO-8859-1 or windows-1252 (read as windows-1252), when the unit is not mostly non-ASCII;
    /// - a Central European or Turkish encoding, when the unit is not mostly non-ASCII, decodes
    ///   in it without a symbol beside a letter, reads differently from windows-1252, and either
    ///   windows-1252 would put at least two symbols or C1 controls beside letters ("mo¿e" for
    ///   "może"), or ICU gives it confidence 30 or more and 15 more than windows-1252 on at least
    ///   8 non-ASCII bytes. ISO-8859-9 is read as its superset windows-1254.
    /// Never throws.
    [[nodiscard]] Decoding examine(std::string_view unit);

    /// `bytes` (a unit, or a part of one cut at ASCII bytes such as a field) as UTF-8, read as
    /// `decoding` says. Rejected decodings give the bytes with invalid sequences replaced by
    /// U+FFFD. The result is always valid UTF-8.
    [[nodiscard]] std::string convert(std::string_view bytes, const Decoding& decoding);

    /// examine(), then convert() in place unless rejected (a rejected unit is left as it is).
    Decoding decode(std::string& unit);

private:
    struct Icu;
    EncodingPolicy policy_;
    std::unique_ptr<Icu> icu_;
    Icu& icu();
};

/// A stream buffer that reads another and converts it from `encoding` to UTF-8 as it goes,
/// for whole-stream conversion (UTF-16 files, --encoding NAME). Sequences that are not valid
/// in the encoding become U+FFFD and are counted. Errors of the underlying buffer propagate.
class TranscodingBuffer : public std::streambuf {
public:
    /// `source` must outlive this buffer. Throws UsageError if ICU does not know `encoding`.
    TranscodingBuffer(std::streambuf* source, const std::string& encoding);
    ~TranscodingBuffer() override;

    /// Sequences replaced by U+FFFD so far.
    [[nodiscard]] std::uint64_t replaced() const noexcept { return replaced_; }

protected:
    int_type underflow() override;

private:
    struct State;
    std::unique_ptr<State> state_;
    std::uint64_t replaced_ = 0;
};

}  // namespace revsearch::corpus
