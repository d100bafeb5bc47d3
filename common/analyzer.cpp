#include "common/analyzer.hpp"

#include <algorithm>
#include <fstream>
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

bool is_apostrophe(unsigned ch) { return ch == '\'' || ch == 0x2019; }

}  // namespace

std::string AnalyzerSettings::to_json() const {
    nlohmann::json j = {{"language", language},
                        {"stopwords_name", stopwords_name},
                        {"stopwords", stopwords},
                        {"schema", schema::kSchemaVersion}};
    return j.dump();
}

AnalyzerSettings AnalyzerSettings::from_json(const std::string& json) {
    try {
        const auto j = nlohmann::json::parse(json);
        AnalyzerSettings s;
        s.language = j.at("language").get<std::string>();
        s.stopwords_name = j.value("stopwords_name", std::string());
        s.stopwords = j.value("stopwords", std::vector<std::string>());
        return s;
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("malformed analyzer settings in the index: ") + e.what());
    }
}

AnalyzerSettings AnalyzerSettings::from_database(const Xapian::Database& db) {
    const std::string stored = db.get_metadata(std::string(schema::kMetaAnalyzer));
    return stored.empty() ? AnalyzerSettings{} : from_json(stored);
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
        stopper_ = std::make_unique<Xapian::SimpleStopper>(settings_.stopwords.begin(),
                                                           settings_.stopwords.end());
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
    Xapian::Utf8Iterator it(text.data(), text.size());
    const Xapian::Utf8Iterator end;
    const char* const base = text.data();
    std::string word;
    while (it != end) {
        if (!Xapian::Unicode::is_wordchar(*it)) {
            ++it;
            continue;
        }
        const std::size_t begin = static_cast<std::size_t>(it.raw() - base);
        word.clear();
        std::size_t stop = begin;
        while (it != end) {
            const unsigned ch = *it;
            if (Xapian::Unicode::is_wordchar(ch)) {
                Xapian::Unicode::append_utf8(word, Xapian::Unicode::tolower(ch));
                ++it;
                stop = static_cast<std::size_t>(it.raw() ? it.raw() - base : text.size());
                continue;
            }
            if (is_apostrophe(ch)) {
                Xapian::Utf8Iterator next = it;
                ++next;
                if (next != end && Xapian::Unicode::is_wordchar(*next)) {
                    word += '\'';
                    it = next;
                    continue;
                }
            }
            break;
        }
        if (it == end) stop = text.size();
        if (stopper_ && (*stopper_)(word)) continue;
        out.push_back(Token{begin, stop, stem ? stemmer_(word) : word});
    }
}

}  // namespace revsearch
