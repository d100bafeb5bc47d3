#include "common/analyzer.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <unordered_set>
#include <libstemmer.h>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include "common/error.hpp"
#include "common/schema.hpp"
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
                        {"schema", schema::kSchemaVersion}};
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
    return defaults;
}

std::vector<std::string> available_languages() {
    std::vector<std::string> names{"none"};
    for (const char** p = sb_stemmer_list(); *p != nullptr; ++p) names.emplace_back(*p);
    std::sort(names.begin(), names.end());
    return names;
}

Xapian::Stem make_stemmer(const std::string& language) {
    if (language == "none") return Xapian::Stem();
    return Xapian::Stem(new LibstemmerImplementation(language));
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
    : settings_(std::move(settings)), stemmer_(make_stemmer(settings_.language)) {
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

void Analyzer::tokenize(std::string_view text, std::vector<Token>& out, bool stem) const {
    // Byte positions rather than a Utf8Iterator over the whole text: ASCII characters (most of
    // review text) are classified by a table filled from Xapian's own functions, and only other
    // characters go through Utf8Iterator, one at a time. Decoding is local to each position
    // (invalid UTF-8 included), so the words are exactly those of one iterator over the text.
    const AsciiClass& ascii = ascii_class();
    const char* const base = text.data();
    const std::size_t size = text.size();
    const auto decode = [&](std::size_t i, unsigned& ch) -> std::size_t {
        const auto byte = static_cast<unsigned char>(base[i]);
        if (byte < 0x80) {
            ch = byte;
            return i + 1;
        }
        Xapian::Utf8Iterator it(base + i, size - i);
        ch = *it;
        ++it;
        return it.raw() != nullptr ? static_cast<std::size_t>(it.raw() - base) : size;
    };
    const auto is_word = [&](unsigned ch) {
        return ch < 0x80 ? ascii.word[ch] : Xapian::Unicode::is_wordchar(ch);
    };
    std::string word;
    std::size_t i = 0;
    while (i < size) {
        unsigned ch = 0;
        std::size_t next = decode(i, ch);
        if (!is_word(ch)) {
            i = next;
            continue;
        }
        const std::size_t begin = i;
        std::size_t stop = begin;
        word.clear();
        while (i < size) {
            // A run of ASCII word characters, lower-cased in one go.
            std::size_t run = i;
            while (run < size && static_cast<unsigned char>(base[run]) < 0x80 &&
                   ascii.word[static_cast<unsigned char>(base[run])]) {
                ++run;
            }
            if (run > i) {
                const std::size_t old = word.size();
                word.resize(old + (run - i));
                for (std::size_t k = i; k < run; ++k) {
                    word[old + (k - i)] = ascii.lower[static_cast<unsigned char>(base[k])];
                }
                i = run;
                stop = run;
                continue;
            }
            next = decode(i, ch);
            if (is_word(ch)) {  // not ASCII: ASCII word characters are runs, above
                Xapian::Unicode::append_utf8(word, Xapian::Unicode::tolower(ch));
                i = next;
                stop = next;
                continue;
            }
            if (is_apostrophe(ch) && next < size) {
                unsigned after = 0;
                (void)decode(next, after);
                if (is_word(after)) {
                    word += '\'';
                    i = next;
                    continue;
                }
            }
            break;
        }
        if (i >= size) stop = size;
        if (stopper_ && (*stopper_)(word)) continue;
        out.push_back(Token{begin, stop, stem ? stemmer_(word) : word});
    }
}

}  // namespace revsearch
