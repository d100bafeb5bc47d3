#include "corpus/page_reader.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <optional>
#include <regex>
#include <sstream>
#include <vector>

#include "common/date.hpp"
#include "common/error.hpp"
#include "common/text.hpp"

namespace revsearch::corpus {

namespace {

constexpr std::string_view kBreadcrumbSeparator = "\xC2\xBB";  // »
constexpr std::size_t kMaxBylineChars = 80;

std::vector<std::string> split_lines(std::string_view page) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= page.size()) {
        std::size_t end = page.find('\n', start);
        if (end == std::string_view::npos) end = page.size();
        lines.push_back(text::collapse_spaces(page.substr(start, end - start)));
        start = end + 1;
    }
    return lines;
}

std::vector<std::string> breadcrumb_parts(const std::string& line) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t pos = line.find(kBreadcrumbSeparator, start);
        const std::size_t len = pos == std::string::npos ? pos : pos - start;
        parts.push_back(text::trim(line.substr(start, len)));
        if (pos == std::string::npos) break;
        start = pos + kBreadcrumbSeparator.size();
    }
    return parts;
}

bool is_breadcrumb(const std::string& line) {
    if (line.find(kBreadcrumbSeparator) == std::string::npos) return false;
    const auto parts = breadcrumb_parts(line);
    return parts.size() >= 2 && !parts.front().empty() && parts.front().size() < 40;
}

bool istarts(std::string_view line, std::string_view prefix) {
    return text::ascii_lower(line.substr(0, prefix.size())) == text::ascii_lower(prefix);
}

// A furniture marker at the start of a line, as a whole word: "Published on 3 March 2014" is
// furniture, but a body paragraph opening "Published only in Britain, ..." is not.
bool starts_with_marker(std::string_view line, std::string_view marker) {
    if (!istarts(line, marker)) return false;
    if (line.size() == marker.size() || !std::isalpha(static_cast<unsigned char>(marker.back()))) {
        return true;
    }
    return !std::isalpha(static_cast<unsigned char>(line[marker.size()]));
}

// "Ph.D.", "M.A.", "Jr.", "Inc.": a capitalised word whose final dot does not end a sentence.
bool is_abbreviation(std::string_view word) {
    if (word.size() < 2 || word.back() != '.') return false;
    if (!std::isupper(static_cast<unsigned char>(word.front()))) return false;
    const std::string_view stem = word.substr(0, word.size() - 1);
    return stem.size() <= 3 || stem.find('.') != std::string_view::npos;
}

// True when the line reads as prose: it ends with a full stop (inside closing quotes or
// brackets, too) that is not an abbreviation's. Names, book titles and publisher lines don't.
bool ends_sentence(std::string_view line) {
    static constexpr std::string_view kClosers[] = {"\"",           "'",           ")", "]",
                                                    "\xE2\x80\x9D", "\xE2\x80\x99"};  // ” ’
    bool stripped = true;
    while (stripped && !line.empty()) {
        stripped = false;
        for (auto closer : kClosers) {
            if (line.size() >= closer.size() &&
                line.substr(line.size() - closer.size()) == closer) {
                line.remove_suffix(closer.size());
                stripped = true;
            }
        }
    }
    if (line.empty() || line.back() != '.') return false;
    const std::size_t space = line.rfind(' ');
    return !is_abbreviation(space == std::string_view::npos ? line : line.substr(space + 1));
}

// Letters and digits only, ASCII lower-cased, for comparing a breadcrumb segment with the
// title: breadcrumbs change case and punctuation and cut long titles short with an ellipsis.
std::string comparable(std::string_view s) {
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u)) out += static_cast<char>(std::tolower(u));
    }
    return out;
}

// True when a breadcrumb segment is the title: one is the start of the other, or they share a
// long start (the breadcrumb spelled the rest differently). Section names are short.
bool names_title(std::string_view segment, std::string_view title) {
    constexpr std::size_t kLongCommonStart = 12;
    const std::string a = comparable(segment);
    const std::string b = comparable(title);
    if (a.empty() || b.empty()) return false;
    const auto [ia, ib] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
    const auto common = static_cast<std::size_t>(ia - a.begin());
    return ia == a.end() || ib == b.end() || common >= kLongCommonStart;
}

// The `Format, N pages` line of the book details block.
const std::regex& pages_regex() {
    static const std::regex re(R"(^(?:(.{1,60}?),\s*)?(\d{1,5})\s+pages?\.?$)", std::regex::icase);
    return re;
}

bool is_pages_line(const std::string& line) {
    std::smatch m;
    return line.size() < 80 && std::regex_match(line, m, pages_regex());
}

// The book's title and its `Publisher, Month YYYY` line sit above the pages line. They are
// short and are not prose, which tells them apart from the review's last paragraph when the
// block is incomplete.
constexpr std::size_t kMaxBookTitleChars = 200;
constexpr std::size_t kMaxPublisherChars = 120;

bool could_be_details_line(const std::string& line, std::size_t max_chars) {
    return !line.empty() && line.size() <= max_chars && !ends_sentence(line);
}

// WordPress PostRatings text: "... (12 votes, average: 4.25 out of 5)".
const std::regex& rating_regex() {
    static const std::regex re(
        R"(\((\d+)\s+votes?,\s*average:\s*([0-9.]+)\s+out\s+of\s+([0-9.]+)\))", std::regex::icase);
    return re;
}

// APA reference: "Hill, T. (2016). Title. Psych Central. Retrieved on ..., from URL".
const std::regex& apa_regex() {
    static const std::regex re(
        R"(^([^,()]{2,40}),\s+((?:[A-Z][a-z]?\.\s*-?)+)\s*\((\d{4})[^)]*\)\.)");
    return re;
}

bool is_furniture(const std::string& line) {
    static constexpr std::string_view kMarkers[] = {
        "Psych Central's Recommendation", "Psych Central\xE2\x80\x99s Recommendation",
        "Recommendation:",                "Your Recommendation",
        "Want to buy the book",           "Check out the book",
        "(All links to provide",          "APA Reference",
        "Scientifically Reviewed",        "Last updated:",
        "Last reviewed:",                 "Published on",
        "Buy the book",                   "Purchase the book",
    };
    for (auto marker : kMarkers) {
        if (starts_with_marker(line, marker)) return true;
    }
    std::smatch m;
    return std::regex_search(line, m, rating_regex()) ||
           line.find("1 Star2 Stars") != std::string::npos;
}

std::optional<std::string> byline_name(const std::string& line) {
    // A name: capitalised words, with credentials after commas ("Tamara Hill, MS, LPC").
    static const std::regex by(
        R"(^(?:Reviewed\s+|Review\s+)?[Bb]y:?\s+([A-Z][^\s,]*(?:,?\s+[A-Z][^\s,]*){0,7})$)");
    std::smatch m;
    if (line.size() <= kMaxBylineChars + 12 && std::regex_match(line, m, by)) {
        return text::trim(m[1].str());
    }
    return std::nullopt;
}

bool contains_word(const std::string& haystack, const std::string& word) {
    std::size_t pos = 0;
    while ((pos = haystack.find(word, pos)) != std::string::npos) {
        const bool left = pos == 0 || !std::isalpha(static_cast<unsigned char>(haystack[pos - 1]));
        const std::size_t after = pos + word.size();
        const bool right =
            after >= haystack.size() || !std::isalpha(static_cast<unsigned char>(haystack[after]));
        if (left && right) return true;
        pos = after;
    }
    return false;
}

// A short line that could be a person's name with credentials: no sentence end, no digits.
bool could_be_byline(const std::string& line) {
    if (line.empty() || line.size() > kMaxBylineChars || is_furniture(line)) return false;
    // Credentials may end with a dot ("Ruth Castellano, Ph.D."); a sentence may not.
    if (ends_sentence(line) || line.back() == '?' || line.back() == '!' || line.back() == ':') {
        return false;
    }
    for (char c : line) {
        if (std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    return std::isupper(static_cast<unsigned char>(line[0])) != 0;
}

std::string surname_of(const std::string& name) {
    const std::string head = name.substr(0, name.find(','));
    const std::size_t space = head.rfind(' ');
    return space == std::string::npos ? head : head.substr(space + 1);
}

std::optional<std::string> date_after(const std::string& line, std::string_view marker) {
    std::string rest = text::trim(line.substr(marker.size()));
    if (auto d = date::parse(rest)) return d;
    // "By a member of our scientific advisory board on 17 May 2016"
    const std::size_t on = rest.rfind(" on ");
    if (on != std::string::npos) return date::parse(rest.substr(on + 4));
    return std::nullopt;
}

}  // namespace

bool PageReader::looks_like_page(std::string_view head) {
    std::size_t start = 0;
    for (int n = 0; n < 30 && start < head.size(); ++n) {
        std::size_t end = head.find('\n', start);
        if (end == std::string_view::npos) end = head.size();
        if (is_breadcrumb(text::collapse_spaces(head.substr(start, end - start)))) return true;
        start = end + 1;
    }
    return false;
}

bool PageReader::parse_page(std::string_view page, const InputInfo& info, Review& r,
                            std::string& reason) {
    if (!text::is_valid_utf8(page)) {
        reason = "invalid UTF-8";
        return false;
    }
    const std::vector<std::string> lines = split_lines(page);
    r = Review{};
    const std::size_t n = lines.size();
    auto next_nonblank = [&](std::size_t i) {
        while (i < n && lines[i].empty()) ++i;
        return i;
    };
    auto prev_nonblank = [&](std::size_t i) -> std::optional<std::size_t> {
        while (i > 0) {
            --i;
            if (!lines[i].empty()) return i;
        }
        return std::nullopt;
    };

    // Breadcrumb, then title. A line of furniture where the title should be means the page
    // has no title (a stub page), not that the furniture is one.
    std::size_t i = 0;
    std::size_t title_at = n;
    std::optional<std::size_t> breadcrumb_at;
    for (std::size_t k = 0; k < n && k < 40; ++k) {
        if (is_breadcrumb(lines[k])) {
            breadcrumb_at = k;
            r.extra.emplace_back("breadcrumb", lines[k]);
            title_at = next_nonblank(k + 1);
            break;
        }
    }
    if (!breadcrumb_at) title_at = next_nonblank(0);
    if (title_at < n && !is_furniture(lines[title_at]) && !is_pages_line(lines[title_at])) {
        r.title = lines[title_at];
        i = title_at + 1;
    } else {
        i = title_at;
    }
    // The category is the segment before the title, or the last one when the breadcrumb
    // stops short of the title.
    if (breadcrumb_at) {
        const auto parts = breadcrumb_parts(lines[*breadcrumb_at]);
        if (!r.title.empty() && !names_title(parts.back(), r.title)) {
            r.category = parts.back();
        } else if (parts.size() >= 3) {
            r.category = parts[parts.size() - 2];
        }
    }
    // A byline or a date right under the title belongs to the header, not the body.
    std::optional<std::string> header_date;
    for (std::size_t k = next_nonblank(i); k < n; k = next_nonblank(k + 1)) {
        if (auto name = byline_name(lines[k]); name && r.reviewer.empty()) {
            r.reviewer = *name;
        } else if (auto d = date::parse(lines[k]); d && !header_date) {
            header_date = d;
        } else {
            break;
        }
        i = k + 1;
    }

    // Body: paragraphs up to the first furniture, or up to the book details block.
    std::size_t body_end = n;
    for (std::size_t k = i; k < n; ++k) {
        const std::string& line = lines[k];
        if (line.empty()) continue;
        if (is_pages_line(line) || is_furniture(line) || byline_name(line) ||
            (line == r.title && k > i)) {
            body_end = k;
            break;
        }
    }
    // The details block is found by its own landmark, the `Format, N pages` line, because its
    // first line, the book's title, often repeats the page title, which also ends the body.
    std::optional<std::size_t> pages_at, publisher_at, book_at;
    for (std::size_t k = i; k < n; ++k) {
        const std::string& line = lines[k];
        if (line.empty()) continue;
        if (is_pages_line(line)) {
            pages_at = k;
            break;
        }
        if (is_furniture(line) || byline_name(line)) break;
    }
    if (pages_at) {
        std::size_t details_at = *pages_at;
        if (auto pub = prev_nonblank(*pages_at);
            pub && *pub >= i && could_be_details_line(lines[*pub], kMaxPublisherChars)) {
            publisher_at = pub;
            details_at = *pub;
            if (auto book = prev_nonblank(*pub);
                book && *book >= i && could_be_details_line(lines[*book], kMaxBookTitleChars)) {
                book_at = book;
                details_at = *book;
            }
        }
        body_end = std::min(body_end, details_at);
    }
    // Lines of one paragraph are joined with a space, so a page saved with hard line breaks
    // still yields whole paragraphs; paragraphs are separated by a blank line.
    std::string body;
    bool in_paragraph = false;
    for (std::size_t k = i; k < body_end; ++k) {
        if (lines[k].empty()) {
            in_paragraph = false;
            continue;
        }
        if (!body.empty()) body += in_paragraph ? " " : "\n\n";
        body += lines[k];
        in_paragraph = true;
    }
    r.body = std::move(body);

    // Book details: `Book Title` / `Publisher, Month YYYY` / `Format, N pages`.
    if (pages_at) {
        std::smatch m;
        std::regex_match(lines[*pages_at], m, pages_regex());
        if (m[1].matched) r.extra.emplace_back("format", text::trim(m[1].str()));
        r.extra.emplace_back("pages", m[2].str());
        if (book_at) r.product = lines[*book_at];
        if (publisher_at) {
            const std::string& pub = lines[*publisher_at];
            const std::size_t comma = pub.rfind(',');
            std::optional<std::string> pub_date;
            if (comma != std::string::npos) pub_date = date::parse(pub.substr(comma + 1));
            if (pub_date) {
                r.extra.emplace_back("publisher", text::trim(pub.substr(0, comma)));
                r.extra.emplace_back("publication_date", text::trim(pub.substr(comma + 1)));
            } else if (book_at) {
                r.extra.emplace_back("publisher", pub);
            } else {
                // One undated line above the pages line: the book's title, not a publisher.
                r.product = pub;
            }
        }
    }

    // Furniture: recommendation, rating widget, dates, APA reference, byline.
    std::optional<std::string> published, updated, reviewed, apa_year, apa_surname;
    std::optional<std::size_t> apa_at;
    for (std::size_t k = body_end; k < n; ++k) {
        const std::string& line = lines[k];
        if (line.empty()) continue;
        std::smatch m;
        if (istarts(line, "Psych Central's Recommendation") ||
            istarts(line, "Psych Central\xE2\x80\x99s Recommendation")) {
            const std::string same_line = text::trim(line.substr(line.find(':') + 1));
            const std::size_t next = next_nonblank(k + 1);
            const std::string value = !same_line.empty() ? same_line : next < n ? lines[next] : "";
            if (!value.empty() && !is_furniture(value)) {
                r.extra.emplace_back("recommendation", value);
            }
        } else if (std::regex_search(line, m, rating_regex())) {
            r.rating = std::stod(m[2].str());
            r.rating_scale = std::stod(m[3].str());
            r.extra.emplace_back("rating_votes", m[1].str());
        } else if (istarts(line, "Published on")) {
            published = date_after(line, "Published on");
        } else if (istarts(line, "Last updated:")) {
            updated = date_after(line, "Last updated:");
        } else if (istarts(line, "Last reviewed:")) {
            reviewed = date_after(line, "Last reviewed:");
        } else if (std::regex_search(line, m, apa_regex())) {
            apa_at = k;
            apa_surname = text::trim(m[1].str());
            apa_year = m[3].str();
            r.extra.emplace_back("apa_reference", line);
            static const std::regex url(R"((https?://\S+)\s*$)");
            if (std::regex_search(line, m, url)) r.url = m[1].str();
        }
    }
    if (updated) r.extra.emplace_back("last_updated", *updated);
    if (reviewed) r.extra.emplace_back("last_reviewed", *reviewed);
    if (published) {
        r.date = *published;
    } else if (header_date) {
        r.date = *header_date;
    } else if (updated) {
        r.date = *updated;
    } else if (reviewed) {
        r.date = *reviewed;
    } else if (apa_year) {
        r.date = *apa_year;
    }

    // Reviewer: an explicit "By" line, else the byline naming the APA surname, else a short
    // line whose surname the next paragraph (a biography) repeats.
    std::optional<std::size_t> byline_at;
    for (std::size_t k = body_end; k < n && !byline_at && r.reviewer.empty(); ++k) {
        if (auto name = byline_name(lines[k])) {
            r.reviewer = *name;
            byline_at = k;
        }
    }
    for (std::size_t k = body_end; k < n && !byline_at && r.reviewer.empty(); ++k) {
        if (apa_surname && k != apa_at && could_be_byline(lines[k]) &&
            contains_word(lines[k], *apa_surname)) {
            r.reviewer = lines[k];
            byline_at = k;
        }
    }
    for (std::size_t k = body_end; k < n && !byline_at && r.reviewer.empty(); ++k) {
        if (!could_be_byline(lines[k]) || lines[k] == r.title) continue;
        const std::size_t next = next_nonblank(k + 1);
        const std::string surname = surname_of(lines[k]);
        if (next < n && lines[next].size() > kMaxBylineChars && surname.size() > 1 &&
            contains_word(lines[next].substr(0, 120), surname)) {
            r.reviewer = lines[k];
            byline_at = k;
        }
    }
    if (byline_at) {
        const std::size_t bio = next_nonblank(*byline_at + 1);
        if (bio < n && lines[bio].size() > kMaxBylineChars && !is_furniture(lines[bio]) &&
            contains_word(lines[bio].substr(0, 120), surname_of(r.reviewer))) {
            r.extra.emplace_back("reviewer_bio", lines[bio]);
        }
    }

    if (!r.has_text()) {
        reason = "nothing to index (no title and no body)";
        return false;
    }
    r.id = derived_id(info, 0);
    r.source = info.display;
    return true;
}

void PageReader::read(std::istream& in, const InputInfo& info, RecordSink& sink) {
    std::string page{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) throw CorpusError(info.display, 0, "read error");
    Review review;
    std::string reason;
    const Decoding decoding = decoder_.decode(page);
    if (decoding.rejected()) {
        sink.on_reject(Reject{info.display, std::string(decoding.reason()),
                              text::truncate_utf8(text::repair_utf8(page), 1024)});
    } else if (parse_page(page, info, review, reason)) {
        review.source_encoding = decoding.encoding;
        sink.on_review(std::move(review));
    } else {
        sink.on_reject(
            Reject{info.display, reason, text::truncate_utf8(page, 1024), decoding.encoding});
    }
}

}  // namespace revsearch::corpus
