#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

/// Small text utilities shared by the readers and the printers. None of them allocate more than
/// their result; all are thread-safe.
namespace revsearch::text {

/// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
[[nodiscard]] bool is_valid_utf8(std::string_view s) noexcept;

/// The length (1 to 4) of the well-formed UTF-8 sequence that starts at `s[i]`, or 0 when none
/// does (a stray continuation byte, an overlong form, a surrogate, a sequence cut short).
/// REQUIRES: i < s.size().
[[nodiscard]] std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept;

/// Appends code point `cp` (at most U+10FFFF, not a surrogate) to `out` as UTF-8.
void append_utf8(std::string& out, std::uint32_t cp);

/// Returns `s` with each invalid UTF-8 sequence replaced by U+FFFD. `repaired`, when given, is
/// set to the number of replacements made.
[[nodiscard]] std::string repair_utf8(std::string_view s, std::size_t* repaired = nullptr);

/// Strips ASCII whitespace and U+00A0 (no-break space) from both ends.
[[nodiscard]] std::string trim(std::string_view s);

/// Trims, and collapses every run of whitespace (including U+00A0) to one ASCII space.
[[nodiscard]] std::string collapse_spaces(std::string_view s);

/// ASCII-only lower-casing; for Unicode case folding use the analyzer.
[[nodiscard]] std::string ascii_lower(std::string_view s);

/// Decodes the HTML/XML character references `&amp; &lt; &gt; &quot; &apos; &nbsp; &#N; &#xN;`.
/// Anything else that starts with `&` is kept as written (real review text has raw ampersands).
[[nodiscard]] std::string decode_entities(std::string_view s);

/// Escapes `& < > "` for inclusion in HTML.
[[nodiscard]] std::string escape_html(std::string_view s);

/// Reflows text into paragraphs: blank lines separate paragraphs, the lines inside one are
/// joined with a space (line breaks in review text are mostly hard wraps), whitespace is
/// collapsed, and paragraphs are joined with one blank line ("\n\n").
[[nodiscard]] std::string join_paragraphs(std::string_view s);

/// Splits on `sep`, keeping empty fields.
[[nodiscard]] std::vector<std::string> split(std::string_view s, char sep);

/// True if `s` starts with `prefix` (byte-wise).
[[nodiscard]] inline bool starts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.substr(0, prefix.size()) == prefix;
}

/// Truncates to at most `max_bytes`, backing off to a UTF-8 character boundary.
[[nodiscard]] std::string truncate_utf8(std::string_view s, std::size_t max_bytes);

}  // namespace revsearch::text
