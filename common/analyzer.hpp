#pragma once

#include <xapian.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

/// The analyzer: how text becomes terms. Defined once, here, and used by the indexer, the topic
/// tagger, the query parser and the snippet highlighter, so all of them agree on every word.
namespace revsearch {

/// What an index was analysed with. Stored in the database metadata by the indexer and read
/// back by the query side, which therefore can never stem differently from the index.
struct AnalyzerSettings {
    std::string language = "english";      ///< a libstemmer algorithm, or "none"
    std::string stopwords_name;            ///< "" (none), "english", or the file it came from
    std::vector<std::string> stopwords;    ///< the resolved list, lower case
    /// "" (none), "english" (revsearch's list, common/stem_overrides.hpp), or the file the
    /// overrides came from.
    std::string stem_overrides_name;
    /// Words whose stem is fixed here instead of by Snowball, as Lucene's
    /// StemmerOverrideFilter and KeywordMarkerFilter do: lower-cased word -> stem. Keeps
    /// "compassion" from becoming "compass". An index whose settings have none (built before
    /// overrides existed, or with `--stem-overrides none`) is stemmed by Snowball alone.
    std::map<std::string, std::string> stem_overrides;
    /// Word positions packed into a value per document (common/packed_positions.hpp) rather
    /// than in Xapian's position table. New indexes pack them; an index whose settings do not
    /// say so (older revsearch, or another tool) has Xapian's.
    bool packed_positions = true;
    /// Dates and ratings also as boolean terms, so ranges over them are unions of posting
    /// lists (common/range_terms.hpp). New indexes have them; an index whose settings do not
    /// say so (older revsearch, another tool) is searched by value ranges. Like the positions,
    /// fixed when an index is created: an update adds them only to an index that has them.
    bool range_terms = true;
    /// The title's words are also unprefixed terms (without positions) beside their `S`
    /// terms, as Omega indexes them, so the default field is the unprefixed terms alone and
    /// a word has one set of statistics, not one for the body and one for the title (chosen
    /// by cross-validation, docs/EVALUATION.md). New indexes have it
    /// (`revsearch-index --title-layout separate` leaves it out); an index whose settings do
    /// not say so is searched over the body and `S`. Fixed when an index is created.
    bool title_in_default = true;

    /// "packed" or "xapian": the layout's name in options, metadata and messages.
    [[nodiscard]] const char* positions_name() const noexcept { return packed_positions ? "packed" : "xapian"; }
    /// Sets packed_positions from its name. Returns false, changing nothing, for another name.
    [[nodiscard]] bool set_positions(std::string_view name) noexcept;

    /// Serialises for the database metadata.
    [[nodiscard]] std::string to_json() const;
    /// Inverse of to_json(). Throws revsearch::Error on malformed input.
    [[nodiscard]] static AnalyzerSettings from_json(const std::string& json);
    /// The settings an index was built with. An index that has none recorded (not built by
    /// revsearch) gets the defaults, with Xapian's own positions. Throws Xapian::Error if the database cannot be read.
    [[nodiscard]] static AnalyzerSettings from_database(const Xapian::Database& db);

    bool operator==(const AnalyzerSettings&) const = default;
};

/// The languages libstemmer offers, sorted, plus "none".
[[nodiscard]] std::vector<std::string> available_languages();

/// A stemmer backed by Snowball's libstemmer, wrapped as a Xapian::StemImplementation. Each
/// call makes an independent stemmer: libstemmer stemmers are not thread-safe, and copies of
/// a Xapian::Stem share one implementation, so every thread needs its own from here.
/// A word in `overrides` gets the stem given there and never reaches Snowball; since every
/// path that stems (TermGenerator, QueryParser, the document builder's stem cache, the
/// highlighter, spelling) asks this object, they all agree on it.
/// Throws UsageError for an unknown language, or for overrides with language "none" (which
/// stems nothing). "none" gives a stemmer that changes nothing.
[[nodiscard]] Xapian::Stem make_stemmer(const std::string& language,
                                        const std::map<std::string, std::string>& overrides = {});

/// Loads stem overrides: "" or "none" gives none; "english" is revsearch's list
/// (common/stem_overrides.hpp); "default" is revsearch's list for `language` when it has one
/// (English only) and none otherwise; anything else is a file, one entry a line (`#` starts a
/// comment): `WORD STEM` (Lucene's StemmerOverrideFilter: WORD is stemmed to STEM) or a lone
/// `WORD` (KeywordMarkerFilter: WORD is kept as it is). Words and stems are lower-cased.
/// Returns the name to store (AnalyzerSettings::stem_overrides_name) in `name`. Throws
/// UsageError for a file that cannot be read, or a line that is not one or two words, naming
/// the file and line.
[[nodiscard]] std::map<std::string, std::string> load_stem_overrides(
    const std::string& name_or_path, const std::string& language, std::string& name);

/// Loads a stop-word list: "english" is the list shipped with revsearch; anything else is a
/// file with one word per line (`#` starts a comment). Throws UsageError if it cannot be read.
[[nodiscard]] std::vector<std::string> load_stopwords(const std::string& name_or_path);

/// A word found in text: its byte span and its analysed term (lower-cased, stemmed).
struct Token {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string term;
    bool stop = false;  ///< a stop word, kept because the caller asked for StopWords::Mark
};

/// What Analyzer::tokenize() does with stop words.
enum class StopWords {
    Drop,  ///< leave them out, as the index does
    Mark,  ///< keep them, with Token::stop set: phrase matching that needs every word (topics)
};

/// Turns text into terms. Not thread-safe (it owns a stemmer): give each thread its own.
class Analyzer {
public:
    /// Throws UsageError if the language is unknown.
    explicit Analyzer(AnalyzerSettings settings = {});

    [[nodiscard]] const AnalyzerSettings& settings() const noexcept { return settings_; }
    [[nodiscard]] const Xapian::Stem& stemmer() const noexcept { return stemmer_; }

    /// Sets stemmer, stemming strategy and stop words on a TermGenerator for indexing.
    void configure(Xapian::TermGenerator& generator) const;

    /// Sets the same on a QueryParser, so query terms equal index terms.
    void configure(Xapian::QueryParser& parser) const;

    /// The term for one word: lower-cased and stemmed, as the index holds it.
    [[nodiscard]] std::string term(std::string_view word) const;

    /// Splits text into words the way Xapian's TermGenerator does (runs of word characters,
    /// joined across an apostrophe between letters), lower-cases each, drops stop words (or
    /// marks them, with StopWords::Mark), and stems each unless `stem` is false. Appends to
    /// `out`.
    void tokenize(std::string_view text, std::vector<Token>& out, bool stem = true,
                  StopWords stop_words = StopWords::Drop) const;

    /// True when `term` (already analysed) is a stop word.
    [[nodiscard]] bool is_stopword(std::string_view word) const;

private:
    AnalyzerSettings settings_;
    Xapian::Stem stemmer_;
    std::unique_ptr<Xapian::Stopper> stopper_;
};

}  // namespace revsearch
