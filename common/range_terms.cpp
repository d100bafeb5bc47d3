#include "common/range_terms.hpp"

#include <charconv>
#include <cstdio>

#include "common/schema.hpp"

namespace revsearch::range_terms {

namespace s = revsearch::schema;

namespace {

/// A sort key as numbers: month 0 is a date with a year only, day 0 one without a day.
struct Key {
    int year = 0;
    int month = 0;
    int day = 0;
};

Key parse_key(std::string_view key) {
    const auto number = [&](std::size_t at, std::size_t n) {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (key[i] - '0');
        return v;
    };
    return Key{number(0, 4), number(4, 2), number(6, 2)};
}

long ordinal(const Key& k) { return (static_cast<long>(k.year) * 100 + k.month) * 100 + k.day; }

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

/// The last day a key of this month can have (0 for month 0, which holds the year-only key).
int last_day(int year, int month) {
    static constexpr int kDays[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap(year)) return 29;
    return kDays[month];
}

/// The key after the last key of k's month: day 0 of the next month, or the next year's
/// year-only key.
Key next_month(const Key& k) { return k.month == 12 ? Key{k.year + 1, 0, 0} : Key{k.year, k.month + 1, 0}; }

std::string digits(int v, int width) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%0*d", width, v);
    return buf;
}

}  // namespace

std::vector<std::string> date_terms(std::string_view sort_key) {
    const std::string key(sort_key);
    return {std::string(s::kYearPrefix) + key.substr(0, 4), std::string(s::kMonthPrefix) + key.substr(0, 6),
            std::string(s::kDayPrefix) + key};
}

std::vector<std::string> date_range_terms(std::string_view lo, std::string_view hi) {
    std::vector<std::string> terms;
    const long last = ordinal(parse_key(hi));
    Key k = parse_key(lo);
    while (ordinal(k) <= last) {
        if (k.month == 0 && k.day == 0 && ordinal(Key{k.year, 12, 31}) <= last) {
            terms.push_back(std::string(s::kYearPrefix) + digits(k.year, 4));
            k = Key{k.year + 1, 0, 0};
        } else if (k.day == 0 && ordinal(Key{k.year, k.month, last_day(k.year, k.month)}) <= last) {
            terms.push_back(std::string(s::kMonthPrefix) + digits(k.year, 4) + digits(k.month, 2));
            k = next_month(k);
        } else {
            terms.push_back(std::string(s::kDayPrefix) + digits(k.year, 4) + digits(k.month, 2) + digits(k.day, 2));
            k = k.day < last_day(k.year, k.month) ? Key{k.year, k.month, k.day + 1} : next_month(k);
        }
    }
    return terms;
}

std::string rating_term(double rating) {
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, rating);
    return std::string(s::kRatingPrefix) + std::string(buf, ec == std::errc() ? end : buf);
}

std::optional<double> rating_of_term(std::string_view term) {
    if (term.substr(0, s::kRatingPrefix.size()) != s::kRatingPrefix) return std::nullopt;
    const std::string_view text = term.substr(s::kRatingPrefix.size());
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return v;
}

}  // namespace revsearch::range_terms
