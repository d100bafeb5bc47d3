#include "bench/fts5_query.hpp"

#include <cstdlib>
#include <map>
#include <vector>

#include "common/date.hpp"
#include "common/error.hpp"

namespace revsearch::bench {

namespace {

/// The FTS5 column (or column set) a revsearch field searches.
std::optional<std::string> text_column(std::string_view field) {
    if (field.empty()) return std::string("{title body}");
    if (field == "title" || field == "body" || field == "reviewer" || field == "product") {
        return std::string(field);
    }
    return std::nullopt;
}

std::optional<std::string> filter_column(std::string_view field) {
    if (field == "topic" || field == "category") return std::string(field);
    if (field == "by") return std::string("reviewer");
    return std::nullopt;
}

struct Token {
    std::string field;  ///< "" for the default field
    std::string value;
    bool quoted = false;
};

bool is_field_char(char c) { return c >= 'a' && c <= 'z'; }

/// Splits the query into tokens: `"phrase"`, `field:value`, `field:"phrase"`, `word`.
std::vector<Token> tokenize(std::string_view q) {
    std::vector<Token> tokens;
    std::size_t i = 0;
    auto read_quoted = [&](Token& t) {
        const std::size_t close = q.find('"', i + 1);
        if (close == std::string_view::npos)
            throw UsageError("unterminated quote in: " + std::string(q));
        t.value = std::string(q.substr(i + 1, close - i - 1));
        t.quoted = true;
        i = close + 1;
    };
    while (i < q.size()) {
        if (q[i] == ' ' || q[i] == '\t') {
            ++i;
            continue;
        }
        Token t;
        std::size_t j = i;
        while (j < q.size() && is_field_char(q[j])) ++j;
        if (j > i && j + 1 < q.size() && q[j] == ':' && q[j + 1] != ' ') {
            t.field = std::string(q.substr(i, j - i));
            i = j + 1;
        }
        if (q[i] == '"') {
            read_quoted(t);
        } else {
            const std::size_t end = q.find_first_of(" \t", i);
            t.value = std::string(q.substr(i, end == std::string_view::npos ? end : end - i));
            i = end == std::string_view::npos ? q.size() : end;
        }
        tokens.push_back(std::move(t));
    }
    return tokens;
}

/// `A..B` as its ends; a single value `A` is the range `A..A` (a date then covers its period),
/// as revsearch's query builder reads `date:2016` and `rating:4`.
std::pair<std::string, std::string> split_range(const std::string& value) {
    const std::size_t dots = value.find("..");
    if (dots == std::string::npos) return {value, value};
    return {value.substr(0, dots), value.substr(dots + 2)};
}

std::optional<double> number(const std::string& s) {
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (*end != '\0') throw UsageError("rating: not a number: " + s);
    return v;
}

std::optional<std::string> date_bound(const std::string& s, bool upper) {
    if (s.empty()) return std::nullopt;
    const std::optional<std::string> iso = date::parse(s);
    if (!iso) throw UsageError("date: not a date: " + s);
    return upper ? date::upper_bound_key(*iso) : date::lower_bound_key(*iso);
}

}  // namespace

std::string fts5_quote(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

Fts5Query translate_to_fts5(std::string_view query, bool default_and) {
    Fts5Query result;
    std::string text;            // the scored part
    bool need_operator = false;  // a clause was written and no operator follows yet
    std::map<std::string, std::vector<std::string>> filters;  // column -> values (ORed)

    for (const Token& t : tokenize(query)) {
        if (t.field.empty() && !t.quoted &&
            (t.value == "AND" || t.value == "OR" || t.value == "NOT")) {
            if (!need_operator)
                throw UsageError("operator without a left side: " + std::string(query));
            text += ' ' + t.value + ' ';
            need_operator = false;
            continue;
        }
        if (!t.quoted && !t.value.empty() &&
            (t.value[0] == '+' || t.value[0] == '-' || t.value[0] == '(' ||
             t.value.back() == ')')) {
            throw UsageError("cannot translate +, - or parentheses to FTS5: " + std::string(query));
        }
        if (t.field == "rating") {
            const auto [lo, hi] = split_range(t.value);
            result.rating = Range<double>{number(lo), number(hi)};
            continue;
        }
        if (t.field == "date") {
            const auto [lo, hi] = split_range(t.value);
            result.date_key = Range<std::string>{date_bound(lo, false), date_bound(hi, true)};
            continue;
        }
        if (const auto column = filter_column(t.field)) {
            filters[*column].push_back(*column + " : " + fts5_quote(t.value));
            continue;
        }
        const auto column = text_column(t.field);
        if (!column) throw UsageError("no FTS5 column for field '" + t.field + "'");
        std::string clause = *column + " : ";
        if (!t.quoted && t.value.size() > 1 && t.value.back() == '*') {
            clause += fts5_quote(std::string_view(t.value).substr(0, t.value.size() - 1)) + " *";
        } else {
            clause += fts5_quote(t.value);
        }
        if (need_operator) text += default_and ? " AND " : " OR ";
        text += clause;
        need_operator = true;
    }
    if (!text.empty() && !need_operator)
        throw UsageError("operator without a right side: " + std::string(query));

    std::vector<std::string> parts;
    if (!text.empty()) parts.push_back(filters.empty() ? text : "(" + text + ")");
    for (const auto& [column, values] : filters) {
        std::string group;
        for (const std::string& v : values) group += (group.empty() ? "" : " OR ") + v;
        parts.push_back(values.size() > 1 ? "(" + group + ")" : group);
    }
    if (parts.empty()) throw UsageError("no words to match in: " + std::string(query));
    for (const std::string& p : parts) result.match += (result.match.empty() ? "" : " AND ") + p;
    return result;
}

}  // namespace revsearch::bench
