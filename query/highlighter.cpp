#include "query/highlighter.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/text.hpp"

#include <xapian.h>

namespace revsearch::query {

namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // …
// Bodies longer than this are only searched for a passage in their first part, so one huge
// review cannot make a results page slow.
constexpr std::size_t kMaxScanBytes = 256 * 1024;

bool ends_sentence(char c) { return c == '.' || c == '!' || c == '?'; }

}  // namespace

Highlight parse_highlight(std::string_view name) {
    if (name == "ansi") return Highlight::Ansi;
    if (name == "html") return Highlight::Html;
    if (name == "plain") return Highlight::Plain;
    if (name == "none") return Highlight::None;
    throw UsageError("--highlight takes ansi, html, plain or none, not '" + std::string(name) + "'");
}

StemCache::StemCache(const Analyzer& analyzer, std::size_t max_words)
    : analyzer_(analyzer), max_words_(max_words) {}

const std::string& StemCache::stem(const std::string& word) {
    if (const auto it = stems_.find(word); it != stems_.end()) return it->second;
    if (stems_.size() >= max_words_) stems_.clear();
    // The term exactly as Analyzer::tokenize(text, out, true) makes it from the word.
    return stems_.emplace(word, analyzer_.stemmer()(word)).first->second;
}

Highlighter::Highlighter(const Analyzer& analyzer, std::vector<std::string> terms,
                         std::vector<std::string> prefixes, StemCache* stems)
    : analyzer_(analyzer),
      terms_(std::move(terms)),
      prefixes_(std::move(prefixes)),
      own_stems_(stems == nullptr ? std::make_unique<StemCache>(analyzer) : nullptr),
      stems_(stems == nullptr ? own_stems_.get() : stems) {
    std::sort(terms_.begin(), terms_.end());
    for (const std::string& t : terms_) {
        if (!t.empty()) first_bytes_[static_cast<unsigned char>(t[0])] = true;
    }
    for (const std::string& p : prefixes_) {
        if (p.empty()) first_bytes_.fill(true);  // an empty pattern matches every word
        if (!p.empty()) first_bytes_[static_cast<unsigned char>(p[0])] = true;
    }
}

bool Highlighter::is_match(const std::string& term) const {
    // Most words of a text share no first byte with any query term: no search for those.
    if (!term.empty() && !first_bytes_[static_cast<unsigned char>(term[0])]) return false;
    if (std::binary_search(terms_.begin(), terms_.end(), term)) return true;
    return std::any_of(prefixes_.begin(), prefixes_.end(),
                       [&](const std::string& p) { return text::starts_with(term, p); });
}

void Highlighter::split(std::string_view text, std::vector<Word>& out) const {
    tokens_.clear();
    analyzer_.tokenize(text, tokens_, false);
    out.clear();
    out.reserve(tokens_.size());
    for (const Token& t : tokens_) {
        int match = -1;
        const std::string& term = stems_->stem(t.term);
        if (is_match(term)) {
            const auto known = std::find(matched_.begin(), matched_.end(), term);
            match = static_cast<int>(known - matched_.begin());
            if (known == matched_.end()) matched_.push_back(term);
        }
        out.push_back(Word{t.begin, t.end, match});
    }
}

std::vector<std::string> wildcard_prefixes(std::string_view query) {
    std::vector<std::string> prefixes;
    bool quoted = false;
    for (std::size_t i = 0; i < query.size(); ++i) {
        if (query[i] == '"') quoted = !quoted;
        if (quoted || query[i] != '*' || i == 0) continue;
        std::size_t start = i;
        while (start > 0 && (std::isalnum(static_cast<unsigned char>(query[start - 1])) ||
                             static_cast<unsigned char>(query[start - 1]) >= 0x80)) {
            --start;
        }
        if (start < i) prefixes.push_back(Xapian::Unicode::tolower(std::string(query.substr(start, i - start))));
    }
    return prefixes;
}

std::string Highlighter::snippet(std::string_view full, std::size_t max_chars) const {
    const std::string_view text = full.substr(0, std::min(full.size(), kMaxScanBytes));
    std::vector<Word> tokens;
    split(text, tokens);
    if (tokens.empty()) {
        // No words at all: the start of the text, cut on a character boundary.
        const std::string head = text::truncate_utf8(text, max_chars);
        const bool cut = !text::trim(full.substr(head.size())).empty();
        return text::collapse_spaces(head) + (cut ? std::string(kEllipsis) : "");
    }
    std::vector<std::size_t> hits;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i].match >= 0) hits.push_back(i);
    }

    // Best window: the span of at most max_chars bytes holding the most distinct matched
    // terms, then the most matches; the earliest wins ties. A single match longer than the
    // budget is a window by itself.
    std::size_t first = 0, last = 0;
    if (!hits.empty()) {
        std::size_t best_distinct = 0, best_count = 0, left = 0;
        std::vector<int> seen;
        for (std::size_t right = 0; right < hits.size(); ++right) {
            while (left < right && tokens[hits[right]].end - tokens[hits[left]].begin > max_chars) ++left;
            seen.clear();
            for (std::size_t k = left; k <= right; ++k) {
                const int t = tokens[hits[k]].match;
                if (std::find(seen.begin(), seen.end(), t) == seen.end()) seen.push_back(t);
            }
            const std::size_t count = right - left + 1;
            if (seen.size() > best_distinct || (seen.size() == best_distinct && count > best_count)) {
                best_distinct = seen.size();
                best_count = count;
                first = hits[left];
                last = hits[right];
            }
        }
        // Lead in: back to the sentence start if it is near, using a third of the spare budget.
        const std::size_t used = tokens[last].end - tokens[first].begin;
        const std::size_t spare = max_chars > used ? max_chars - used : 0;
        while (first > 0 && tokens[first].begin - tokens[first - 1].begin <= spare / 3 &&
               tokens[last].end - tokens[first - 1].begin <= max_chars) {
            const std::string_view gap =
                text.substr(tokens[first - 1].end, tokens[first].begin - tokens[first - 1].end);
            if (std::any_of(gap.begin(), gap.end(), ends_sentence)) break;
            --first;
        }
    }
    // Fill forward to the budget.
    const std::size_t begin = first == 0 ? 0 : tokens[first].begin;
    while (last + 1 < tokens.size() && tokens[last + 1].end - begin <= max_chars) ++last;
    std::size_t end = tokens[last].end;
    if (last + 1 == tokens.size()) {
        end = text.size();  // the rest is punctuation or space: keep it
    } else if (end < text.size() && ends_sentence(text[end])) {
        ++end;
    }

    std::string raw;
    std::size_t pos = begin;
    for (std::size_t i = first; i <= last; ++i) {
        const Word& t = tokens[i];
        if (t.match < 0) continue;
        raw.append(text.substr(pos, t.begin - pos));
        raw += kMarkStart;
        raw.append(text.substr(t.begin, t.end - t.begin));
        raw += kMarkEnd;
        pos = t.end;
    }
    raw.append(text.substr(pos, end - pos));
    std::string out;
    if (!text::trim(text.substr(0, begin)).empty()) out += kEllipsis;
    out += text::collapse_spaces(raw);
    if (!text::trim(full.substr(end)).empty()) out += kEllipsis;
    return out;
}

std::string Highlighter::mark_all(std::string_view text) const {
    std::vector<Word> tokens;
    split(text, tokens);
    std::string out;
    std::size_t pos = 0;
    for (const Word& t : tokens) {
        if (t.match < 0) continue;
        out.append(text.substr(pos, t.begin - pos));
        out += kMarkStart;
        out.append(text.substr(t.begin, t.end - t.begin));
        out += kMarkEnd;
        pos = t.end;
    }
    out.append(text.substr(pos));
    return out;
}

std::string render(std::string_view marked, Highlight style) {
    std::string out;
    out.reserve(marked.size() + 32);
    std::size_t start = 0;
    auto flush_text = [&](std::size_t upto) {
        const std::string_view piece = marked.substr(start, upto - start);
        out += style == Highlight::Html ? text::escape_html(piece) : std::string(piece);
    };
    for (std::size_t i = 0; i < marked.size(); ++i) {
        const char c = marked[i];
        if (c != kMarkStart && c != kMarkEnd) continue;
        flush_text(i);
        start = i + 1;
        const bool open = c == kMarkStart;
        switch (style) {
            case Highlight::Ansi: out += open ? "\x1b[1;31m" : "\x1b[0m"; break;
            case Highlight::Html: out += open ? "<b>" : "</b>"; break;
            case Highlight::Plain: out += open ? "[" : "]"; break;
            case Highlight::None: break;
        }
    }
    flush_text(marked.size());
    return out;
}

}  // namespace revsearch::query
