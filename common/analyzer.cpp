#include "common/analyzer.hpp"

#include <libstemmer.h>
#include <xapian.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "common/error.hpp"
#include "common/schema.hpp"
#include "common/stem_overrides.hpp"
#include "common/stopwords.hpp"
#include "common/text.hpp"

namespace revsearch {

namespace {

/// Snowball stemmer from libstemmer. One instance per Xapian::Stem; not thread-safe.
class LibstemmerImplementation : public Xapian::StemImplementation {
public:
    explicit LibstemmerImplementation(const std::string& language)
        : language_(language), stemmer_(sb_stemmer_new(language.c_str(), "UTF_8")) {
        if (stemmer_ == nullptr) {
            throw UsageError("unknown language '" + language + "' (see --list-languages)");
        }
    }
    ~LibstemmerImplementation() override { sb_stemmer_delete(stemmer_); }

    std::string operator()(const std::string& word) override {
        const sb_symbol* out = sb_stemmer_stem(
            stemmer_, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
        if (out == nullptr) return word;  // only on out-of-memory inside libstemmer
        return std::string(reinterpret_cast<const char*>(out),
                           static_cast<std::size_t>(sb_stemmer_length(stemmer_)));
    }

    std::string get_description() const override { return "libstemmer:" + language_; }

private:
    std::string language_;
    sb_stemmer* stemmer_;
};

/// Snowball with some words' stems fixed in advance (Lucene's StemmerOverrideFilter). The
/// table is shared by the copies an Analyzer makes; the Snowball stemmer is this object's own.
class OverridingImplementation : public Xapian::StemImplementation {
public:
    OverridingImplementation(
        Xapian::Stem snowball,
        std::shared_ptr<const std::unordered_map<std::string, std::string>> overrides)
        : snowball_(std::move(snowball)), overrides_(std::move(overrides)) {}

    std::string operator()(const std::string& word) override {
        const auto it = overrides_->find(word);
        return it != overrides_->end() ? it->second : snowball_(word);
    }

    std::string get_description() const override {
        return snowball_.get_description() + "+overrides(" + std::to_string(overrides_->size()) +
               ")";
    }

private:
    Xapian::Stem snowball_;
    std::shared_ptr<const std::unordered_map<std::string, std::string>> overrides_;
};

/// Stop words in a hash set. Xapian's SimpleStopper keeps a std::set, so each of the
/// TermGenerator's calls (one per word of every review) costs a chain of string compares.
class WordSetStopper final : public Xapian::Stopper {
public:
    explicit WordSetStopper(const std::vector<std::string>& words) : words_(words.begin(), words.end()) {}
    bool operator()(const std::string& word) const override { return words_.count(word) != 0; }
    std::string get_description() const override {
        return "WordSetStopper(" + std::to_string(words_.size()) + " words)";
    }

private:
    std::unordered_set<std::string> words_;
};

bool is_apostrophe(unsigned ch) { return ch == '\'' || ch == 0x2019; }

/// TermGenerator's longest word (Xapian 1.4's default max_word_length, in bytes): longer
/// words are not indexed, so they are not words here either.
constexpr std::size_t kMaxWordBytes = 64;

/// A character that TermGenerator leaves out when it joins a word across it (zero-width
/// spaces and joiners, the word joiner, the byte-order mark).
constexpr unsigned kIgnore = 0xFFFFFFFFu;

bool is_ignorable(unsigned ch) { return ch >= 0x200b && (ch <= 0x200d || ch == 0x2060 || ch == 0xfeff); }

/// What a character between two letters becomes inside a word ("AT&T", "wasn't"), 0 if it
/// ends the word, kIgnore if the word goes on without it.
unsigned join_between_letters(unsigned ch) {
    if (ch == '\'' || ch == '&' || ch == 0xb7 || ch == 0x5f4 || ch == 0x2027) return ch;
    if (ch == 0x2019 || ch == 0x201b) return '\'';  // curly apostrophes become straight
    return is_ignorable(ch) ? kIgnore : 0;
}

/// The same between two digits ("3.14", "1,000").
unsigned join_between_digits(unsigned ch) {
    switch (ch) {
        case ',': case '.': case ';': case 0x037e: case 0x0589: case 0x060d: case 0x07f8:
        case 0x2044: case 0xfe10: case 0xfe13: case 0xfe14:
            return ch;
        default:
            return is_ignorable(ch) ? kIgnore : 0;
    }
}

bool is_digit(unsigned ch) { return Xapian::Unicode::get_category(ch) == Xapian::Unicode::DECIMAL_DIGIT_NUMBER; }

bool is_ascii_upper(unsigned ch) { return ch >= 'A' && ch <= 'Z'; }

/// Decodes the character at the start of `text` (not ASCII) as a Utf8Iterator over the
/// whole text would (an invalid byte is a character of its own); returns its length in bytes.
/// Out of line: it is the rare path of tokenize(). REQUIRES: size > 0.
// Utf8Iterator leaves two members unset for an empty text, which g++ 12 warns about once
// this is inlined; the text here is never empty.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
[[gnu::noinline]] std::size_t decode_other(const char* text, std::size_t size, unsigned& ch) {
    Xapian::Utf8Iterator it(text, size);
    ch = *it;
    ++it;
    return it.raw() != nullptr ? static_cast<std::size_t>(it.raw() - text) : size;
}
#pragma GCC diagnostic pop

/// Xapian's own classification of the ASCII characters, looked up once for tokenize()'s fast
/// path: word character or not, and the lower-case form (ASCII for every ASCII character).
struct AsciiClass {
    std::array<bool, 0x80> word{};
    std::array<char, 0x80> lower{};
    AsciiClass() {
        for (unsigned c = 0; c < 0x80; ++c) {
            word[c] = Xapian::Unicode::is_wordchar(c);
            lower[c] = static_cast<char>(Xapian::Unicode::tolower(c));
        }
    }
};

const AsciiClass& ascii_class() {
    static const AsciiClass table;
    return table;
}

}  // namespace

std::string AnalyzerSettings::to_json() const {
    nlohmann::json j = {{"language", language},
                        {"stopwords_name", stopwords_name},
                        {"stopwords", stopwords},
                        {"positions", positions_name()},
                        {"range_terms", range_terms},
                        {"title_in_default", title_in_default},
                        {"schema", schema::kSchemaVersion}};
    // Written only when there are some, so an index without them reads as one built before
    // overrides existed, and both stem by Snowball alone.
    if (!stem_overrides.empty()) {
        j["stem_overrides_name"] = stem_overrides_name;
        j["stem_overrides"] = stem_overrides;
    }
    return j.dump();
}

bool AnalyzerSettings::set_positions(std::string_view name) noexcept {
    if (name != "packed" && name != "xapian") return false;
    packed_positions = name == "packed";
    return true;
}

AnalyzerSettings AnalyzerSettings::from_json(const std::string& json) {
    try {
        const auto j = nlohmann::json::parse(json);
        AnalyzerSettings s;
        s.language = j.at("language").get<std::string>();
        s.stopwords_name = j.value("stopwords_name", std::string());
        s.stopwords = j.value("stopwords", std::vector<std::string>());
        const std::string positions = j.value("positions", std::string("xapian"));
        if (!s.set_positions(positions)) {
            throw Error("unknown position layout '" + positions + "' in the index's analyzer settings");
        }
        s.range_terms = j.value("range_terms", false);
        s.title_in_default = j.value("title_in_default", false);
        s.stem_overrides_name = j.value("stem_overrides_name", std::string());
        s.stem_overrides = j.value("stem_overrides", std::map<std::string, std::string>());
        return s;
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("malformed analyzer settings in the index: ") + e.what());
    }
}

AnalyzerSettings AnalyzerSettings::from_database(const Xapian::Database& db) {
    const std::string stored = db.get_metadata(std::string(schema::kMetaAnalyzer));
    if (!stored.empty()) return from_json(stored);
    AnalyzerSettings defaults;
    defaults.packed_positions = false;  // not built by revsearch: Xapian's own positions
    defaults.range_terms = false;       // and no range terms
    defaults.title_in_default = false;  // and titles under S only
    return defaults;
}

std::vector<std::string> available_languages() {
    std::vector<std::string> names{"none"};
    for (const char** p = sb_stemmer_list(); *p != nullptr; ++p) names.emplace_back(*p);
    std::sort(names.begin(), names.end());
    return names;
}

Xapian::Stem make_stemmer(const std::string& language,
                          const std::map<std::string, std::string>& overrides) {
    if (language == "none") {
        if (!overrides.empty())
            throw UsageError("stem overrides need a stemming language, not 'none'");
        return Xapian::Stem();
    }
    Xapian::Stem snowball(new LibstemmerImplementation(language));
    if (overrides.empty()) return snowball;
    return Xapian::Stem(new OverridingImplementation(
        std::move(snowball), std::make_shared<const std::unordered_map<std::string, std::string>>(
                                 overrides.begin(), overrides.end())));
}

std::map<std::string, std::string> load_stem_overrides(const std::string& name_or_path,
                                                       const std::string& language,
                                                       std::string& name) {
    std::map<std::string, std::string> overrides;
    name.clear();
    if (name_or_path.empty() || name_or_path == "none") return overrides;
    if (name_or_path == "english" || (name_or_path == "default" && language == "english")) {
        for (const StemOverrideGroup& group : kEnglishStemOverrides) {
            for (const std::string& word : text::split(group.words, ' ')) {
                if (!word.empty()) overrides.emplace(word, group.stem);
            }
        }
        name = "english";
        return overrides;
    }
    if (name_or_path == "default") return overrides;  // no list of our own for this language
    std::ifstream in(name_or_path);
    if (!in) throw UsageError("cannot read stem-override file " + name_or_path);
    // A word the tokenizer would split, or change, could never be looked up.
    AnalyzerSettings plain;
    plain.language = "none";
    const Analyzer words(plain);
    std::string line;
    std::size_t line_number = 0;
    while (std::getline(in, line)) {
        ++line_number;
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        std::istringstream fields(line);
        std::vector<std::string> parts;
        for (std::string part; fields >> part;) parts.push_back(Xapian::Unicode::tolower(part));
        if (parts.empty()) continue;
        const std::string where = name_or_path + ":" + std::to_string(line_number) + ": ";
        if (parts.size() > 2) {
            throw UsageError(where + "expected WORD STEM or a lone WORD, found " +
                             std::to_string(parts.size()) + " words");
        }
        std::vector<Token> tokens;
        words.tokenize(parts[0], tokens, false);
        if (tokens.size() != 1 || tokens[0].term != parts[0]) {
            throw UsageError(where + "'" + parts[0] +
                             "' is not one word as the analyzer splits text");
        }
        overrides[parts[0]] = parts.size() == 2 ? parts[1] : parts[0];
    }
    name = name_or_path;
    return overrides;
}

std::vector<std::string> load_stopwords(const std::string& name_or_path) {
    if (name_or_path.empty()) return {};
    std::vector<std::string> words;
    if (name_or_path == "english") {
        words.assign(kEnglishStopwords.begin(), kEnglishStopwords.end());
    } else {
        std::ifstream in(name_or_path);
        if (!in) throw UsageError("cannot read stop-word file " + name_or_path);
        std::string line;
        while (std::getline(in, line)) {
            if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
            line = text::trim(line);
            if (!line.empty()) words.push_back(Xapian::Unicode::tolower(line));
        }
    }
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    return words;
}

Analyzer::Analyzer(AnalyzerSettings settings)
    : settings_(std::move(settings)),
      stemmer_(make_stemmer(settings_.language, settings_.stem_overrides)) {
    if (!settings_.stopwords.empty()) {
        stopper_ = std::make_unique<WordSetStopper>(settings_.stopwords);
    }
}

void Analyzer::configure(Xapian::TermGenerator& generator) const {
    generator.set_stemmer(stemmer_);
    // STEM_ALL: one stemmed term per word, carrying the positions. Half the postings of
    // STEM_SOME, phrases work on stems, and wildcards expand over stems (docs/ARCHITECTURE.md).
    // With no stemmer, STEM_ALL would write no terms at all (Xapian 1.4.22): use STEM_NONE.
    generator.set_stemming_strategy(stemmer_.is_none() ? Xapian::TermGenerator::STEM_NONE
                                                       : Xapian::TermGenerator::STEM_ALL);
    generator.set_stopper(stopper_.get());
    generator.set_stopper_strategy(Xapian::TermGenerator::STOP_ALL);
}

void Analyzer::configure(Xapian::QueryParser& parser) const {
    parser.set_stemmer(stemmer_);
    parser.set_stemming_strategy(stemmer_.is_none() ? Xapian::QueryParser::STEM_NONE
                                                    : Xapian::QueryParser::STEM_ALL);
    parser.set_stopper(stopper_.get());
}

std::string Analyzer::term(std::string_view word) const {
    std::string folded;
    for (Xapian::Utf8Iterator it(word.data(), word.size()); it != Xapian::Utf8Iterator(); ++it) {
        // The tokenizer joins words across a curly apostrophe and stores a straight one.
        Xapian::Unicode::append_utf8(folded, is_apostrophe(*it) ? '\'' : Xapian::Unicode::tolower(*it));
    }
    return stemmer_(folded);
}

bool Analyzer::is_stopword(std::string_view word) const {
    return stopper_ && (*stopper_)(std::string(word));
}

void Analyzer::tokenize(std::string_view text, std::vector<Token>& out, bool stem,
                        StopWords stop_words) const {
    // The words are TermGenerator's (Xapian 1.4, without CJK n-grams): a run of word
    // characters, joined across one character between two letters (an apostrophe, '&', a
    // middle dot) or two digits ('.', ',', ';' and a few others); initials such as "U.S.A."
    // make one word; up to three '+' or '#' end a word ("c++") unless a letter follows;
    // zero-width characters inside a word are left out; words over 64 bytes are not words.
    // tests/common/test_analyzer.cpp holds this equal to TermGenerator on random text, and
    // the indexer builds documents from these words.
    //
    // Byte positions rather than a Utf8Iterator over the whole text: ASCII characters (most of
    // review text) are classified by a table filled from Xapian's own functions, and only other
    // characters go through Utf8Iterator, one at a time. Decoding is local to each position
    // (invalid UTF-8 included), so the words are exactly those of one iterator over the text.
    const AsciiClass& ascii = ascii_class();
    const char* const base = text.data();
    const std::size_t size = text.size();
    // Decodes the character at i into ch; returns where the next one starts.
    const auto decode = [&](std::size_t i, unsigned& ch) -> std::size_t {
        const auto byte = static_cast<unsigned char>(base[i]);
        if (byte < 0x80) {
            ch = byte;
            return i + 1;
        }
        return i + decode_other(base + i, size - i, ch);
    };
    const auto is_word = [&](unsigned ch) {
        return ch < 0x80 ? ascii.word[ch] : Xapian::Unicode::is_wordchar(ch);
    };
    const auto lower = [&](unsigned ch) {
        return ch < 0x80 ? static_cast<unsigned>(ascii.lower[ch]) : Xapian::Unicode::tolower(ch);
    };
    std::string word;
    const auto byte_at = [&](std::size_t p) { return static_cast<unsigned char>(base[p]); };
    // Initials: single capitals each followed by a dot ("U.S.A." or "U.S.A"), lower-cased
    // into `word`, when no word character follows them. Sets `end` past them.
    const auto initials = [&](std::size_t start, std::size_t& end) -> bool {
        if (!is_ascii_upper(byte_at(start))) return false;
        std::size_t p = start;
        while (true) {
            word += ascii.lower[byte_at(p)];
            ++p;
            if (p >= size || base[p] != '.') break;
            ++p;
            if (p >= size || !is_ascii_upper(byte_at(p))) break;
        }
        unsigned after = 0;
        if (word.size() > 1 && (p >= size || (static_cast<void>(decode(p, after)), !is_word(after)))) {
            end = p;
            return true;
        }
        word.clear();
        return false;
    };
    // Appends the word that starts at i (its first character `raw`, `next` after it) to
    // `word`, joining across single characters between letters or digits. Returns false when
    // the text ends inside the word; otherwise i is at the first character after the word
    // (`raw`), and `next` after that.
    const auto word_run = [&](std::size_t& i, std::size_t& next, unsigned& raw) -> bool {
        while (true) {
            unsigned last = 0;  // the last word character, for the digit rule
            while (true) {
                if (raw < 0x80) {
                    // A run of ASCII word characters, lower-cased in one go.
                    std::size_t run = i;
                    while (run < size && byte_at(run) < 0x80 && ascii.word[byte_at(run)]) ++run;
                    const std::size_t old = word.size();
                    word.resize(old + (run - i));
                    for (std::size_t k = i; k < run; ++k) word[old + (k - i)] = ascii.lower[byte_at(k)];
                    last = byte_at(run - 1);
                    i = run;
                } else {
                    Xapian::Unicode::append_utf8(word, lower(raw));
                    last = raw;
                    i = next;
                }
                if (i >= size) return false;
                next = decode(i, raw);
                if (!is_word(raw)) break;
            }
            if (next >= size) return true;
            unsigned after = 0;
            const std::size_t after_next = decode(next, after);
            if (!is_word(after)) return true;
            const unsigned joined =
                is_digit(last) && is_digit(after) ? join_between_digits(raw) : join_between_letters(raw);
            if (joined == 0) return true;
            if (joined != kIgnore) Xapian::Unicode::append_utf8(word, joined);
            i = next;
            next = after_next;
            raw = after;
        }
    };
    std::size_t i = 0;
    while (i < size) {
        unsigned raw = 0;
        std::size_t next = decode(i, raw);
        if (!is_word(raw)) {
            i = next;
            continue;
        }
        const std::size_t begin = i;
        std::size_t end = size;  // where the word's text ends
        word.clear();
        if (initials(i, end)) {
            i = end;
        } else if (!word_run(i, next, raw)) {
            i = end = size;  // the text ended inside the word
        } else {
            // i is at the character after the word (raw; next follows it). Up to three '+'
            // or '#' belong to the word ("c++", "c#"), unless a word character follows them
            // ("fish+chips" is two words).
            end = i;
            const std::size_t kept = word.size();
            unsigned count = 0;
            bool text_ended = false;
            while (raw == '+' || raw == '#') {
                if (++count > 3) break;
                word += static_cast<char>(raw);
                i = next;
                if (i >= size) {
                    text_ended = true;
                    break;
                }
                next = decode(i, raw);
            }
            if (text_ended) {
                end = size;
            } else if (count > 3 || is_word(raw)) {
                word.resize(kept);
            } else {
                end = i;
            }
        }
        if (word.size() > kMaxWordBytes) continue;
        const bool stop = stopper_ && (*stopper_)(word);
        if (stop && stop_words == StopWords::Drop) continue;
        out.push_back(Token{begin, end, stem ? stemmer_(word) : word, stop});
    }
}

}  // namespace revsearch
