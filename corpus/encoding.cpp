#include "corpus/encoding.hpp"

#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <map>
#include <vector>

#include "common/error.hpp"
#include "common/text.hpp"

namespace revsearch::corpus {

namespace {

struct ConverterCloser {
    void operator()(UConverter* c) const noexcept { ucnv_close(c); }
};
using Converter = std::unique_ptr<UConverter, ConverterCloser>;

struct DetectorCloser {
    void operator()(UCharsetDetector* d) const noexcept { ucsdet_close(d); }
};
using Detector = std::unique_ptr<UCharsetDetector, DetectorCloser>;

/// Opens ICU's converter for `name`, or returns null when ICU does not know it.
Converter open_converter(std::string_view name) {
    UErrorCode status = U_ZERO_ERROR;
    Converter converter(ucnv_open(std::string(name).c_str(), &status));
    if (U_FAILURE(status)) return nullptr;
    return converter;
}

/// ICU's to-Unicode callback for whole-stream conversion: a sequence that is not valid in the
/// encoding becomes U+FFFD, and the counter `context` points to goes up.
void replace_and_count(const void* context, UConverterToUnicodeArgs* args, const char*, int32_t,
                       UConverterCallbackReason reason, UErrorCode* status) {
    if (reason > UCNV_IRREGULAR) return;  // reset, close, clone: nothing was lost
    if (context != nullptr) ++*static_cast<std::uint64_t*>(const_cast<void*>(context));
    *status = U_ZERO_ERROR;
    static const UChar kReplacement = 0xFFFD;
    ucnv_cbToUWriteUChars(args, &kReplacement, 1, 0, status);
}

/// `bytes` converted by `converter` to UTF-8 in `out`. With `strict`, a sequence the
/// encoding does not define fails the conversion (returns false); otherwise it becomes U+FFFD.
bool to_utf8(UConverter* converter, std::string_view bytes, std::string& out, bool strict) {
    if (converter == nullptr) return false;
    UErrorCode status = U_ZERO_ERROR;
    if (strict) {
        ucnv_setToUCallBack(converter, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
    } else {
        ucnv_setToUCallBack(converter, replace_and_count, nullptr, nullptr, nullptr, &status);
    }
    std::vector<UChar> utf16(bytes.size() + 1);
    int32_t length = 0;
    for (int attempt = 0; attempt < 2; ++attempt) {
        status = U_ZERO_ERROR;
        length = ucnv_toUChars(converter, utf16.data(), static_cast<int32_t>(utf16.size()),
                               bytes.data(), static_cast<int32_t>(bytes.size()), &status);
        if (status != U_BUFFER_OVERFLOW_ERROR) break;
        utf16.resize(static_cast<std::size_t>(length) + 1);
    }
    if (U_FAILURE(status)) return false;
    out.resize(static_cast<std::size_t>(length) * 3 + 1);
    int32_t written = 0;
    status = U_ZERO_ERROR;
    u_strToUTF8WithSub(out.data(), static_cast<int32_t>(out.size()), &written, utf16.data(), length,
                       0xFFFD, nullptr, &status);
    if (U_FAILURE(status)) return false;
    out.resize(static_cast<std::size_t>(written));
    return true;
}

/// The groups of encodings ICU's detector names, by what makes each plausible.
enum class Family {
    Western,     ///< ISO-8859-1, windows-1252: read as windows-1252
    OtherLatin,  ///< Central European and Turkish Latin
    NonLatin,    ///< Cyrillic, Greek, Hebrew, Arabic; Chinese, Japanese, Korean
    Never,       ///< UTF-* (decided elsewhere), ISO-2022 (7-bit), EBCDIC
};

Family family_of(std::string_view detected) {
    static constexpr std::string_view kWestern[] = {"ISO-8859-1", "windows-1252"};
    static constexpr std::string_view kOtherLatin[] = {"ISO-8859-2", "windows-1250", "ISO-8859-9",
                                                       "windows-1254"};
    static constexpr std::string_view kNonLatin[] = {
        "ISO-8859-5", "windows-1251", "KOI8-R",     "ISO-8859-7",   "windows-1253",
        "ISO-8859-6", "windows-1256", "ISO-8859-8", "ISO-8859-8-I", "windows-1255",
        "Shift_JIS",  "EUC-JP",       "EUC-KR",     "GB18030",      "Big5"};
    for (auto n : kWestern) {
        if (n == detected) return Family::Western;
    }
    for (auto n : kOtherLatin) {
        if (n == detected) return Family::OtherLatin;
    }
    for (auto n : kNonLatin) {
        if (n == detected) return Family::NonLatin;
    }
    return Family::Never;
}

/// Characters that, beside a letter, say the text was read in the wrong 8-bit encoding:
/// C1 controls (windows-1252 leaves five bytes undefined, and no text uses them), symbols and
/// superscript numbers, and the Spanish inverted marks and ordinal indicators. Misread
/// Central European text shows them where its letters should be ("mo¿e" for "może").
bool is_misreading(UChar32 c) {
    if (c >= 0x80 && c <= 0x9F) return true;
    if (c == 0xA1 || c == 0xBF || c == 0xAA || c == 0xBA) return true;
    switch (u_charType(c)) {
        case U_MATH_SYMBOL:
        case U_CURRENCY_SYMBOL:
        case U_MODIFIER_SYMBOL:
        case U_OTHER_SYMBOL:
        case U_OTHER_NUMBER: return true;
        default: return false;
    }
}

/// How many non-ASCII characters of `utf8` are misreadings beside a letter.
std::size_t count_misreadings(std::string_view utf8) {
    std::vector<UChar32> cps;
    const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
    const auto n = static_cast<int32_t>(utf8.size());
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        cps.push_back(c);
    }
    std::size_t count = 0;
    for (std::size_t i = 0; i < cps.size(); ++i) {
        if (cps[i] < 0x80 || !is_misreading(cps[i])) continue;
        const bool letter_before = i > 0 && u_isalpha(cps[i - 1]);
        const bool letter_after = i + 1 < cps.size() && u_isalpha(cps[i + 1]);
        if (cps[i] <= 0x9F || letter_before || letter_after) ++count;
    }
    return count;
}

/// Superset names, as the WHATWG Encoding Standard maps the labels: text labelled ISO-8859-1
/// or ISO-8859-9 is decoded as windows-1252 or windows-1254, which agree on every printable
/// character and also read the typographic quotes and dashes Windows wrote in 0x80-0x9F.
std::string_view superset_of(std::string_view detected) {
    if (detected == "ISO-8859-1") return "windows-1252";
    if (detected == "ISO-8859-9") return "windows-1254";
    return detected;
}

/// The Windows code page that holds the letters of an ISO 8859 part and more (punctuation in
/// 0x80-0x9F, and Hebrew points), tried when text does not decode in the ISO part ICU named;
/// "" when there is none.
std::string_view windows_sibling(std::string_view detected) {
    if (detected == "ISO-8859-2") return "windows-1250";
    if (detected == "ISO-8859-6") return "windows-1256";
    if (detected == "ISO-8859-7") return "windows-1253";
    if (detected == "ISO-8859-8" || detected == "ISO-8859-8-I") return "windows-1255";
    return "";
}

/// ICU's confidence (0-100) below which a proposal is not considered at all.
constexpr int kMinConfidence = 10;
/// Non-ASCII bytes needed before an encoding of another script than Latin is considered.
constexpr std::size_t kNonLatinMinBytes = 8;
/// A Central European or Turkish proposal wins on ICU's word statistics alone when it has at
/// least this confidence, and this much more than windows-1252 or ISO-8859-1. Tuned on text
/// from Debian's message catalogues (Czech, Hungarian, Polish, Slovak and Turkish against nine
/// Western languages): no Western unit of 9,208 (with aclImdb reviews in windows-1252, some
/// with typographic quotes and dashes) passes it; see docs/ARCHITECTURE.md.
constexpr int kOtherLatinConfidence = 30;
constexpr int kOtherLatinMargin = 15;
/// ICU's word statistics are not trusted on fewer non-ASCII bytes than this: "naïve café"
/// gets ISO-8859-2 at 54 against 27 for ISO-8859-1.
constexpr std::size_t kOtherLatinMinBytes = 8;
/// ...or when windows-1252 would put at least this many symbols beside letters.
constexpr std::size_t kMisreadingsToRefuse = 2;

bool is_utf_name(std::string_view name) {
    return name == "UTF-16LE" || name == "UTF-16BE" || name == "UTF-32LE" || name == "UTF-32BE";
}

}  // namespace

// ---------------------------------------------------------------- policy and names

std::string display_name(std::string_view name) {
    const Converter converter = open_converter(name);
    if (!converter) return "";
    UErrorCode status = U_ZERO_ERROR;
    const char* internal = ucnv_getName(converter.get(), &status);
    if (U_FAILURE(status) || internal == nullptr) return std::string(name);
    for (const char* standard : {"MIME", "IANA"}) {
        status = U_ZERO_ERROR;
        const char* named = ucnv_getStandardName(internal, standard, &status);
        if (U_SUCCESS(status) && named != nullptr && *named != '\0') return named;
    }
    return internal;
}

EncodingPolicy EncodingPolicy::parse(std::string_view spec) {
    EncodingPolicy policy;
    const std::string lower = text::ascii_lower(spec);
    if (lower == "auto") return policy;
    if (lower == "utf-8" || lower == "utf8") {
        policy.mode = Mode::Utf8;
        return policy;
    }
    policy.name = display_name(spec);
    if (policy.name.empty()) {
        throw UsageError("--encoding: unknown encoding '" + std::string(spec) +
                         "' (auto, utf-8, or a name such as windows-1252, latin1, UTF-16LE, "
                         "koi8-r, shift_jis)");
    }
    policy.mode = policy.name == "UTF-8" ? Mode::Utf8 : Mode::Named;
    if (policy.mode == Mode::Utf8) policy.name.clear();
    return policy;
}

std::string EncodingPolicy::describe() const {
    switch (mode) {
        case Mode::Auto: return "auto";
        case Mode::Utf8: return "utf-8";
        case Mode::Named: return name;
    }
    return "auto";
}

// ---------------------------------------------------------------- whole streams

ByteOrderMark byte_order_mark(std::string_view head) noexcept {
    auto starts = [&](std::string_view mark) { return head.substr(0, mark.size()) == mark; };
    using namespace std::string_view_literals;
    if (starts("\xEF\xBB\xBF"sv)) return {"UTF-8", 3};
    if (starts("\xFF\xFE\x00\x00"sv)) return {"UTF-32LE", 4};
    if (starts("\x00\x00\xFE\xFF"sv)) return {"UTF-32BE", 4};
    if (starts("\xFF\xFE"sv)) return {"UTF-16LE", 2};
    if (starts("\xFE\xFF"sv)) return {"UTF-16BE", 2};
    return {};
}

StreamDecoding decide_stream(std::string_view head, const EncodingPolicy& policy) {
    const ByteOrderMark bom = byte_order_mark(head);
    if (bom.encoding == "UTF-8") return {bom.length, ""};
    if (!bom.encoding.empty()) {
        if (policy.mode == EncodingPolicy::Mode::Utf8) return {};
        return {bom.length, std::string(bom.encoding)};
    }
    if (policy.mode == EncodingPolicy::Mode::Named) return {0, policy.name};
    if (policy.mode != EncodingPolicy::Mode::Auto || head.find('\0') == std::string_view::npos) {
        return {};
    }
    // NUL bytes: UTF-16 or UTF-32 text without a mark, or binary data.
    UErrorCode status = U_ZERO_ERROR;
    const Detector detector(ucsdet_open(&status));
    if (U_FAILURE(status)) return {};
    ucsdet_setText(detector.get(), head.data(), static_cast<int32_t>(head.size()), &status);
    const UCharsetMatch* match = ucsdet_detect(detector.get(), &status);
    if (U_FAILURE(status) || match == nullptr) return {};
    const std::string name = ucsdet_getName(match, &status);
    if (U_FAILURE(status) || !is_utf_name(name) ||
        ucsdet_getConfidence(match, &status) < kWholeStreamConfidence) {
        return {};
    }
    // ICU looks at the first 30 bytes only; the whole head, converted, must be text.
    const Converter converter = open_converter(name);
    std::string converted;
    const std::size_t unit = name.rfind("UTF-32", 0) == 0 ? 4 : 2;
    if (!converter ||
        !to_utf8(converter.get(), head.substr(0, head.size() / unit * unit), converted, false) ||
        converted.find('\0') != std::string::npos || looks_binary(converted)) {
        return {};
    }
    return {0, name};
}

// ---------------------------------------------------------------- units

bool looks_binary(std::string_view unit) noexcept {
    std::size_t controls = 0;
    for (const char ch : unit) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == 0) return true;
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' &&
             c != 0x1B) ||
            c == 0x7F) {
            ++controls;
        }
    }
    return controls >= 2 && controls * 100 > unit.size();
}

std::string_view Decoding::reason() const noexcept {
    switch (kind) {
        case Kind::Binary: return "binary data, not text in any encoding";
        case Kind::Invalid: return "invalid UTF-8";
        default: return "";
    }
}

struct TextDecoder::Icu {
    Detector detector;
    std::map<std::string, Converter, std::less<>> converters;
    /// Each byte read as windows-1252, in UTF-8: ICU's table, asked once.
    std::array<std::string, 256> windows_1252;

    Icu() {
        UErrorCode status = U_ZERO_ERROR;
        detector.reset(ucsdet_open(&status));
        if (U_FAILURE(status)) detector.reset();
        // Markup (TREC and .review tags, HTML) says nothing about the encoding.
        if (detector) ucsdet_enableInputFilter(detector.get(), true);
        UConverter* cp1252 = converter("windows-1252");
        for (int b = 0; b < 256; ++b) {
            const char byte = static_cast<char>(b);
            if (cp1252 == nullptr ||
                !to_utf8(cp1252, std::string_view(&byte, 1), windows_1252[b], false)) {
                windows_1252[b] = "\xEF\xBF\xBD";
            }
        }
    }

    /// The converter for `name`, opened once; null when ICU does not know it.
    UConverter* converter(std::string_view name) {
        auto it = converters.find(name);
        if (it == converters.end())
            it = converters.emplace(std::string(name), open_converter(name)).first;
        return it->second.get();
    }

    /// The encoding of a unit that is neither UTF-8 nor binary (see TextDecoder::examine()).
    std::string detect(std::string_view unit) {
        std::size_t high = 0, letters = 0;
        for (const char ch : unit) {
            const auto c = static_cast<unsigned char>(ch);
            if (c >= 0x80) {
                ++high;
            } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
                ++letters;
            }
        }
        const bool mostly_non_ascii = high >= kNonLatinMinBytes && high >= letters;
        constexpr std::string_view kFallback = "windows-1252";
        if (!detector) return std::string(kFallback);
        UErrorCode status = U_ZERO_ERROR;
        ucsdet_setText(detector.get(), unit.data(), static_cast<int32_t>(unit.size()), &status);
        int32_t found = 0;
        const UCharsetMatch** matches = ucsdet_detectAll(detector.get(), &found, &status);
        if (U_FAILURE(status)) return std::string(kFallback);
        int western = 0;  // ICU's best confidence for windows-1252 or ISO-8859-1
        for (int32_t i = 0; i < found; ++i) {
            status = U_ZERO_ERROR;
            if (family_of(ucsdet_getName(matches[i], &status)) == Family::Western) {
                western =
                    std::max(western, static_cast<int>(ucsdet_getConfidence(matches[i], &status)));
            }
        }
        std::string windows_reading;  // the unit read as windows-1252, when a rival needs it
        std::string reading;
        auto decodes = [&](std::string_view name) {
            return to_utf8(converter(name), unit, reading, true);
        };
        for (int32_t i = 0; i < found; ++i) {
            status = U_ZERO_ERROR;
            const int confidence = ucsdet_getConfidence(matches[i], &status);
            if (confidence < kMinConfidence) break;
            const std::string_view name = ucsdet_getName(matches[i], &status);
            if (U_FAILURE(status)) continue;
            switch (family_of(name)) {
                case Family::Western:
                    // Latin text is mostly ASCII letters; text that is not may still be read in
                    // another script by a proposal further down.
                    if (!mostly_non_ascii) return std::string(kFallback);
                    break;
                case Family::NonLatin: {
                    if (!mostly_non_ascii) break;
                    if (decodes(name)) return display_name(name);
                    const std::string_view sibling = windows_sibling(name);
                    if (!sibling.empty() && decodes(sibling)) return display_name(sibling);
                    break;
                }
                case Family::OtherLatin: {
                    if (mostly_non_ascii) break;
                    std::string_view chosen = superset_of(name);
                    if (!decodes(chosen)) {
                        chosen = windows_sibling(name);
                        if (chosen.empty() || !decodes(chosen)) break;
                    }
                    if (count_misreadings(reading) != 0) break;
                    if (windows_reading.empty()) {
                        (void)to_utf8(converter(kFallback), unit, windows_reading, false);
                    }
                    // The same text either way (the accents both share): windows-1252.
                    if (reading == windows_reading) return std::string(kFallback);
                    // Either windows-1252 reads the unit as symbols where letters should be,
                    // or ICU prefers the other clearly, on enough accented letters to judge.
                    if (count_misreadings(windows_reading) >= kMisreadingsToRefuse ||
                        (high >= kOtherLatinMinBytes && confidence >= kOtherLatinConfidence &&
                         confidence - western >= kOtherLatinMargin)) {
                        return display_name(chosen);
                    }
                    break;
                }
                case Family::Never: break;
            }
        }
        return std::string(kFallback);
    }
};

TextDecoder::TextDecoder(EncodingPolicy policy) : policy_(std::move(policy)) {}
TextDecoder::~TextDecoder() = default;
TextDecoder::TextDecoder(TextDecoder&&) noexcept = default;
TextDecoder& TextDecoder::operator=(TextDecoder&&) noexcept = default;

TextDecoder::Icu& TextDecoder::icu() {
    if (!icu_) icu_ = std::make_unique<Icu>();
    return *icu_;
}

Decoding TextDecoder::examine(std::string_view unit) {
    if (text::is_valid_utf8(unit)) return {};
    if (policy_.mode != EncodingPolicy::Mode::Auto) return {Decoding::Kind::Invalid, ""};
    if (looks_binary(unit)) return {Decoding::Kind::Binary, ""};
    std::size_t sequences = 0, stray = 0;
    for (std::size_t i = 0; i < unit.size();) {
        if (static_cast<unsigned char>(unit[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t length = text::utf8_sequence_length(unit, i);
        if (length == 0) {
            ++stray;
            ++i;
        } else {
            ++sequences;
            i += length;
        }
    }
    if (sequences > stray) return {Decoding::Kind::Mixed, std::string(kMixedEncoding)};
    return {Decoding::Kind::Legacy, icu().detect(unit)};
}

std::string TextDecoder::convert(std::string_view bytes, const Decoding& decoding) {
    switch (decoding.kind) {
        case Decoding::Kind::Legacy: {
            std::string out;
            if (UConverter* converter = icu().converter(decoding.encoding);
                converter != nullptr && to_utf8(converter, bytes, out, false)) {
                return out;
            }
            return text::repair_utf8(bytes);
        }
        case Decoding::Kind::Mixed: {
            Icu& icu_state = icu();
            std::string out;
            out.reserve(bytes.size() + bytes.size() / 8);
            for (std::size_t i = 0; i < bytes.size();) {
                const std::size_t length = text::utf8_sequence_length(bytes, i);
                if (length == 0) {
                    out += icu_state.windows_1252[static_cast<unsigned char>(bytes[i])];
                    ++i;
                } else {
                    out.append(bytes.substr(i, length));
                    i += length;
                }
            }
            return out;
        }
        default: return text::is_valid_utf8(bytes) ? std::string(bytes) : text::repair_utf8(bytes);
    }
}

Decoding TextDecoder::decode(std::string& unit) {
    Decoding decoding = examine(unit);
    if (decoding.transcoded()) unit = convert(unit, decoding);
    return decoding;
}

// ---------------------------------------------------------------- TranscodingBuffer

struct TranscodingBuffer::State {
    std::streambuf* source;
    Converter from;
    Converter utf8;
    std::vector<char> in = std::vector<char>(64 * 1024);
    std::size_t in_begin = 0;
    std::size_t in_end = 0;
    bool end_of_input = false;
    bool reset = true;
    std::vector<UChar> pivot = std::vector<UChar>(16 * 1024);
    UChar* pivot_source = nullptr;
    UChar* pivot_target = nullptr;
    std::vector<char> out = std::vector<char>(128 * 1024);
};

TranscodingBuffer::TranscodingBuffer(std::streambuf* source, const std::string& encoding)
    : state_(std::make_unique<State>()) {
    state_->source = source;
    state_->from = open_converter(encoding);
    state_->utf8 = open_converter("UTF-8");
    if (!state_->from || !state_->utf8) throw UsageError("unknown encoding '" + encoding + "'");
    UErrorCode status = U_ZERO_ERROR;
    ucnv_setToUCallBack(state_->from.get(), replace_and_count, &replaced_, nullptr, nullptr,
                        &status);
    state_->pivot_source = state_->pivot_target = state_->pivot.data();
    setg(state_->out.data(), state_->out.data(), state_->out.data());
}

TranscodingBuffer::~TranscodingBuffer() = default;

TranscodingBuffer::int_type TranscodingBuffer::underflow() {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    State& s = *state_;
    while (true) {
        if (!s.end_of_input && s.in_begin == s.in_end) {
            const std::streamsize n =
                s.source->sgetn(s.in.data(), static_cast<std::streamsize>(s.in.size()));
            s.in_begin = 0;
            s.in_end = n > 0 ? static_cast<std::size_t>(n) : 0;
            s.end_of_input = n <= 0;
        }
        char* target = s.out.data();
        const char* input = s.in.data() + s.in_begin;
        UErrorCode status = U_ZERO_ERROR;
        ucnv_convertEx(s.utf8.get(), s.from.get(), &target, s.out.data() + s.out.size(), &input,
                       s.in.data() + s.in_end, s.pivot.data(), &s.pivot_source, &s.pivot_target,
                       s.pivot.data() + s.pivot.size(), s.reset, s.end_of_input, &status);
        s.reset = false;
        s.in_begin = static_cast<std::size_t>(input - s.in.data());
        if (U_FAILURE(status) && status != U_BUFFER_OVERFLOW_ERROR) {
            throw CorpusError("", 0,
                              std::string("cannot convert the text: ") + u_errorName(status));
        }
        const auto produced = static_cast<std::size_t>(target - s.out.data());
        if (produced > 0) {
            setg(s.out.data(), s.out.data(), s.out.data() + produced);
            return traits_type::to_int_type(*gptr());
        }
        if (s.end_of_input && status != U_BUFFER_OVERFLOW_ERROR) return traits_type::eof();
    }
}

}  // namespace revsearch::corpus
