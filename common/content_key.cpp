#include "common/content_key.hpp"

#include <xapian.h>
#include <xxhash.h>

#include <array>
#include <cstdio>

#include "common/text.hpp"

namespace revsearch {

namespace {

/// Xapian's word characters and lower case for ASCII, looked up once: most review text is
/// ASCII, and the key is made for every review the indexer writes.
struct AsciiWords {
    std::array<char, 0x80> lower{};  ///< 0 for a character that is not a word character
    AsciiWords() {
        for (unsigned c = 0; c < 0x80; ++c) {
            if (Xapian::Unicode::is_wordchar(c))
                lower[c] = static_cast<char>(Xapian::Unicode::tolower(c));
        }
    }
};

const AsciiWords& ascii_words() {
    static const AsciiWords table;
    return table;
}

/// Appends the key words of `text` to `out` (a space before each word but the first one of
/// `out`). Returns how many words it appended.
std::size_t append_key_words(std::string_view text, std::string& out) {
    const AsciiWords& ascii = ascii_words();
    std::size_t words = 0;
    bool in_word = false;
    const auto start_word = [&] {
        if (in_word) return;
        if (!out.empty() && out.back() != '\x1f') out += ' ';
        in_word = true;
        ++words;
    };
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x80) {
            const char lower = ascii.lower[byte];
            if (lower != 0) {
                start_word();
                out += lower;
            } else {
                in_word = false;
            }
            ++i;
            continue;
        }
        Xapian::Utf8Iterator it(text.data() + i, text.size() - i);
        const unsigned ch = *it;
        ++it;
        const std::size_t used = it.raw() != nullptr
                                     ? static_cast<std::size_t>(it.raw() - (text.data() + i))
                                     : text.size() - i;
        i += used == 0 ? 1 : used;
        if (Xapian::Unicode::is_wordchar(ch)) {
            start_word();
            text::append_utf8(out, Xapian::Unicode::tolower(ch));
        } else {
            in_word = false;
        }
    }
    return words;
}

}  // namespace

std::string key_words(std::string_view text) {
    std::string out;
    append_key_words(text, out);
    return out;
}

std::string content_key(const Review& review) {
    // The fields are separated by U+001F (a unit separator, never a word character), so words
    // cannot move between fields and leave the key unchanged.
    thread_local std::string buffer;
    buffer.clear();
    append_key_words(review.reviewer, buffer);
    buffer += '\x1f';
    buffer += review.date;
    buffer += '\x1f';
    std::size_t words = append_key_words(review.title, buffer);
    buffer += '\x1f';
    words += append_key_words(review.body, buffer);
    if (words == 0) return {};
    if (review.reviewer.empty() && review.date.empty() && words < kMinAnonymousWords) return {};
    const XXH128_hash_t h = XXH3_128bits(buffer.data(), buffer.size());
    char hex[33];
    std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                  static_cast<unsigned long long>(h.low64));
    return hex;
}

}  // namespace revsearch
