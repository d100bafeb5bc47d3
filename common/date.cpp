#include "common/date.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <vector>

#include "common/text.hpp"

namespace revsearch::date {

namespace {

constexpr std::array<std::string_view, 12> kMonths = {"january", "february", "march",
                                                       "april",   "may",      "june",
                                                       "july",    "august",   "september",
                                                       "october", "november", "december"};

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

std::optional<std::string> make(int y, int m, int d) {
    if (y < 1000 || y > 9999) return std::nullopt;
    if (m == 0) return std::to_string(y);
    if (m < 1 || m > 12) return std::nullopt;
    char buf[16];
    if (d == 0) {
        std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
        return std::string(buf);
    }
    if (d < 1 || d > days_in_month(y, m)) return std::nullopt;
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return std::string(buf);
}

// Month number for a full or three-letter (optionally dotted) English month name, else 0.
int month_from_name(std::string_view word) {
    std::string w = text::ascii_lower(word);
    if (!w.empty() && w.back() == '.') w.pop_back();
    if (w.size() < 3) return 0;
    for (std::size_t i = 0; i < kMonths.size(); ++i) {
        if (w == kMonths[i] || (w.size() == 3 && kMonths[i].substr(0, 3) == w) ||
            (w == "sept" && i == 8)) {
            return static_cast<int>(i) + 1;
        }
    }
    return 0;
}

bool to_int(std::string_view s, int& out) {
    if (s.empty() || s.size() > 4) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    std::from_chars(s.data(), s.data() + s.size(), out);
    return true;
}

std::optional<std::string> parse_numeric(std::string_view s) {
    // YYYY, YYYY-MM, YYYY-MM-DD (also with '/'), possibly followed by 'T' or ' ' and a time.
    const std::size_t cut = s.find_first_of("T ");
    if (cut != std::string_view::npos && cut >= 10) s = s.substr(0, cut);
    int y = 0, m = 0, d = 0;
    std::vector<std::string> parts;
    std::string current;
    for (char c : s) {
        if (c == '-' || c == '/') {
            parts.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    parts.push_back(current);
    if (parts.empty() || parts.size() > 3 || parts[0].size() != 4 || !to_int(parts[0], y)) {
        return std::nullopt;
    }
    if (parts.size() >= 2 && (parts[1].size() > 2 || !to_int(parts[1], m) || m == 0)) {
        return std::nullopt;
    }
    if (parts.size() == 3 && (parts[2].size() > 2 || !to_int(parts[2], d) || d == 0)) {
        return std::nullopt;
    }
    return make(y, m, d);
}

std::optional<std::string> parse_words(std::string_view s) {
    // Tokens of letters or digits; commas and dots between them are separators.
    std::vector<std::string> words;
    std::string current;
    for (char c : s) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            current += c;
        } else if (!current.empty()) {
            words.push_back(current);
            current.clear();
        }
    }
    if (!current.empty()) words.push_back(current);
    if (words.size() < 2 || words.size() > 3) return std::nullopt;

    int y = 0, m = 0, d = 0;
    if (words.size() == 2) {  // "May 2016"
        m = month_from_name(words[0]);
        if (m == 0 || words[1].size() != 4 || !to_int(words[1], y)) return std::nullopt;
        return make(y, m, 0);
    }
    if ((m = month_from_name(words[0])) != 0) {  // "May 17, 2016"
        if (!to_int(words[1], d) || words[1].size() > 2) return std::nullopt;
    } else if ((m = month_from_name(words[1])) != 0) {  // "17 May 2016"
        if (!to_int(words[0], d) || words[0].size() > 2) return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (words[2].size() != 4 || !to_int(words[2], y) || d == 0) return std::nullopt;
    return make(y, m, d);
}

}  // namespace

std::optional<std::string> parse(std::string_view raw) {
    const std::string s = text::collapse_spaces(raw);
    if (s.empty()) return std::nullopt;
    if (std::isdigit(static_cast<unsigned char>(s[0])) && s.size() >= 4 &&
        std::isdigit(static_cast<unsigned char>(s[3]))) {
        if (auto numeric = parse_numeric(s)) return numeric;
    }
    return parse_words(s);
}

std::string from_unix_time(std::int64_t seconds) {
    // Howard Hinnant's days-to-civil algorithm (public domain, "chrono-Compatible Low-Level
    // Date Algorithms"), so the result does not depend on the process's time zone.
    std::int64_t days = seconds / 86400;
    if (seconds % 86400 < 0) --days;
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t doe = days - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    const int y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
}

std::string sort_key(std::string_view iso) {
    std::string key;
    key.reserve(8);
    key.append(iso.substr(0, 4));
    key.append(iso.size() >= 7 ? iso.substr(5, 2) : "00");
    key.append(iso.size() >= 10 ? iso.substr(8, 2) : "00");
    return key;
}

std::string lower_bound_key(std::string_view iso) { return sort_key(iso); }

std::string upper_bound_key(std::string_view iso) {
    if (iso.size() >= 10) return sort_key(iso);
    int y = 0, m = 12;
    std::from_chars(iso.data(), iso.data() + 4, y);
    if (iso.size() >= 7) std::from_chars(iso.data() + 5, iso.data() + 7, m);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d%02d%02d", y, m, days_in_month(y, m));
    return buf;
}

std::string year(std::string_view iso) { return std::string(iso.substr(0, 4)); }

}  // namespace revsearch::date
