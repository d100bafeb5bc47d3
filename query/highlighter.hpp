#pragma once

#include <string>
#include <string_view>
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

/// Chooses the passage of a review's body that best shows why it matched, and marks the
/// matching words. It knows the schema: every query word counts, whatever field it was asked
/// in, and stemmed forms match ("fatigued" for "fatigue") because the text goes through the
/// index's own analyzer. Wildcard patterns (`medit*`) match words whose stem they begin.
///
/// This replaces Xapian's MSet::snippet(), which highlights only unprefixed or Z-prefixed
/// terms, misses phrase words under STEM_ALL, and was the query-side hot spot.
/// Not thread-safe (it uses the Analyzer's stemmer).
class Highlighter {
public:
    /// `analyzer` must outlive the highlighter. `terms` are analysed terms (highlight_terms());
    /// `prefixes` are wildcard patterns without their `*` (wildcard_prefixes()).
    Highlighter(const Analyzer& analyzer, std::vector<std::string> terms,
                std::vector<std::string> prefixes = {});

    /// A passage of about `max_chars` bytes (cut at word boundaries, whitespace collapsed), with
    /// matches wrapped in kMarkStart/kMarkEnd and "…" where text was cut off. Without any
    /// match, the start of the text.
    [[nodiscard]] std::string snippet(std::string_view text, std::size_t max_chars) const;

    /// The whole text with matches marked (for showing a whole review).
    [[nodiscard]] std::string mark_all(std::string_view text) const;

private:
    [[nodiscard]] bool is_match(const std::string& term) const;

    const Analyzer& analyzer_;
    std::vector<std::string> terms_;  // sorted
    std::vector<std::string> prefixes_;
};

/// The wildcard patterns of a query text (`medit*` gives "medit"), lower-cased.
[[nodiscard]] std::vector<std::string> wildcard_prefixes(std::string_view query);

/// Turns a raw marked snippet into printable text in the chosen style. For Html the text is
/// also escaped.
[[nodiscard]] std::string render(std::string_view marked, Highlight style);

}  // namespace revsearch::query
