#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/analyzer.hpp"

namespace revsearch::query {

/// How highlighted words are marked in printed snippets.
enum class Highlight { Ansi, Html, Plain, None };

/// Parses "ansi", "html", "plain", "none". Throws UsageError otherwise.
[[nodiscard]] Highlight parse_highlight(std::string_view name);

/// Marks used inside a raw snippet around each highlighted word; render() replaces them.
inline constexpr char kMarkStart = '\x01';
inline constexpr char kMarkEnd = '\x02';

/// The stem of each word seen, remembered across snippets and queries: stemming every word of
/// every hit's body was the snippet's hot spot (bench/RESULTS.md, issue 5), and the words of
/// reviews repeat. A long-lived owner (the Searcher) keeps one for all its queries. Bounded:
/// past `max_words` distinct words it starts again empty. Not thread-safe.
class StemCache {
public:
    /// `analyzer` must outlive the cache.
    explicit StemCache(const Analyzer& analyzer, std::size_t max_words = std::size_t{1} << 16);

    /// The analysed term of `word` (a lower-cased word as Analyzer::tokenize(text, out, false)
    /// gives it): exactly what Analyzer::tokenize(text, out, true) would have made of it. The
    /// reference is valid until the next call.
    [[nodiscard]] const std::string& stem(const std::string& word);

    [[nodiscard]] const Analyzer& analyzer() const noexcept { return analyzer_; }

private:
    const Analyzer& analyzer_;
    std::size_t max_words_;
    std::unordered_map<std::string, std::string> stems_;
};

/// Chooses the passage of a review's body that best shows why it matched, and marks the
/// matching words. It knows the schema: every query word counts, whatever field it was asked
/// in, and stemmed forms match ("fatigued" for "fatigue") because the text goes through the
/// index's own analyzer. Wildcard patterns (`medit*`) match words whose stem they begin.
///
/// This replaces Xapian's MSet::snippet(), which highlights only unprefixed or Z-prefixed
/// terms, misses phrase words under STEM_ALL, and was the query-side hot spot.
/// Not thread-safe (it uses the Analyzer's stemmer and a StemCache).
class Highlighter {
public:
    /// `analyzer` must outlive the highlighter. `terms` are analysed terms (highlight_terms());
    /// `prefixes` are wildcard patterns without their `*` (wildcard_prefixes()). `stems`, if
    /// given, must be a cache over the same analyzer and outlive the highlighter; without one,
    /// the highlighter keeps its own.
    Highlighter(const Analyzer& analyzer, std::vector<std::string> terms,
                std::vector<std::string> prefixes = {}, StemCache* stems = nullptr);

    /// A passage of about `max_chars` bytes (cut at word boundaries, whitespace collapsed), with
    /// matches wrapped in kMarkStart/kMarkEnd and "…" where text was cut off. Without any
    /// match, the start of the text.
    [[nodiscard]] std::string snippet(std::string_view text, std::size_t max_chars) const;

    /// The whole text with matches marked (for showing a whole review).
    [[nodiscard]] std::string mark_all(std::string_view text) const;

private:
    /// A word of the text as the analyzer split it, and which distinct query term its stem
    /// matched (an index into matched_), or -1.
    struct Word {
        std::size_t begin = 0;
        std::size_t end = 0;
        int match = -1;
    };
    [[nodiscard]] bool is_match(const std::string& term) const;
    /// Splits `text` as Analyzer::tokenize() does, and matches each word's stem.
    void split(std::string_view text, std::vector<Word>& out) const;

    const Analyzer& analyzer_;
    std::vector<std::string> terms_;  // sorted
    std::vector<std::string> prefixes_;
    std::array<bool, 256> first_bytes_{};  // the first bytes of terms_ and prefixes_
    std::unique_ptr<StemCache> own_stems_;  // when no cache was given
    StemCache* stems_;
    mutable std::vector<std::string> matched_;  // the distinct matching stems, by match id
    mutable std::vector<Token> tokens_;         // scratch, reused across snippets
};

/// The wildcard patterns of a query text (`medit*` gives "medit"), lower-cased.
[[nodiscard]] std::vector<std::string> wildcard_prefixes(std::string_view query);

/// Turns a raw marked snippet into printable text in the chosen style. For Html the text is
/// also escaped.
[[nodiscard]] std::string render(std::string_view marked, Highlight style);

}  // namespace revsearch::query
