#include "query/printer.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/schema.hpp"
#include "query/json_output.hpp"

namespace revsearch::query {

using json = nlohmann::ordered_json;

namespace {

std::string bold(const std::string& s, bool color) { return color ? "\x1b[1m" + s + "\x1b[0m" : s; }
std::string dim(const std::string& s, bool color) { return color ? "\x1b[2m" + s + "\x1b[0m" : s; }

std::string join(const std::vector<std::string>& items, const char* sep) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
    return out;
}

/// The rating as given ("7/10"), and the 0-5 value that filters and sorts use when it is not
/// the same number ("7/10 = 3.5/5"), or that there is none ("8, no scale").
std::string rating_text(const Review& r) {
    if (!r.rating) return {};
    std::string s = format_number(*r.rating, 2);
    if (r.rating_scale) {
        s += '/';  // piecewise, as in print_text_hit
        s += format_number(*r.rating_scale, 2);
    }
    const auto normalised = schema::normalised_rating(r.rating, r.rating_scale);
    if (!normalised) {
        s += r.rating_scale ? ", off its scale" : ", no scale";
    } else if (*r.rating_scale != schema::kRatingScale) {
        s += " = ";
        s += format_number(*normalised, 2);
        s += "/5";
    }
    return s;
}

/// " (duplicates collapsed...)": how many copies were left out when the match was counted.
std::string distinct_note(const SearchResult& result) {
    if (!result.counted) return " (duplicates collapsed)";
    const Xapian::doccount copies = result.counted->documents - result.counted->reviews;
    return " (duplicates collapsed: " + std::to_string(result.counted->reviews) +
           " distinct reviews, " + std::to_string(copies) + (copies == 1 ? " copy" : " copies") +
           " left out)";
}

void print_text_hit(std::ostream& out, const Hit& hit, const PrintOptions& o) {
    const Review& r = hit.review;
    // Built piecewise: g++ 12 -O3 warns falsely (-Wrestrict) on "literal" + string here.
    std::string heading = std::to_string(hit.rank);
    heading += ". ";
    heading += r.title.empty() ? "(untitled)" : r.title;
    std::string score = "[";
    score += format_number(hit.score, 4);
    score += ']';
    out << bold(heading, o.color) << "  " << dim(score, o.color) << '\n';
    std::vector<std::string> meta{"id " + r.id};
    if (!r.reviewer.empty()) meta.push_back(r.reviewer);
    if (!r.date.empty()) meta.push_back(r.date);
    if (r.rating) meta.push_back("rating " + rating_text(r));
    if (!r.category.empty()) meta.push_back(r.category);
    out << "   " << dim(join(meta, " | "), o.color) << '\n';
    if (!r.topics.empty()) {
        // Each topic with its strength (mentions per 1,000 words) where the index holds one.
        std::vector<std::string> topics;
        for (const std::string& topic : r.topics) {
            std::string shown = topic;
            for (const auto& [name, strength] : hit.topic_strengths) {
                if (name == topic) shown += " (" + format_number(strength, 1) + ")";
            }
            topics.push_back(std::move(shown));
        }
        out << "   topics: " << join(topics, ", ") << '\n';
    }
    if (!hit.snippet.empty()) out << "   " << render(hit.snippet, o.highlight) << '\n';
    if (hit.copies && *hit.copies > 0) {
        std::string copies = "   + ";
        copies += std::to_string(*hit.copies);
        copies += *hit.copies == 1 ? " more copy" : " more copies";
        copies += " of this review (dup:";
        copies += hit.content_key;
        copies += " lists them)";
        out << dim(copies, o.color) << '\n';
    }
    if (!hit.explanation.empty()) {
        out << "   explain:";
        for (const auto& c : hit.explanation) {
            out << ' ' << c.field << ':' << c.term << '=' << format_number(c.weight, 4);
        }
        if (std::abs(hit.unexplained) > 1e-9) out << " other=" << format_number(hit.unexplained, 6);
        out << '\n';
    }
    out << '\n';
}

}  // namespace

OutputFormat parse_output_format(std::string_view name) {
    if (name == "text") return OutputFormat::Text;
    if (name == "json") return OutputFormat::Json;
    if (name == "trec") return OutputFormat::Trec;
    throw UsageError("--format takes text, json or trec, not '" + std::string(name) + "'");
}

std::string with_thousands(std::uint64_t n) {
    std::string digits = std::to_string(n);
    for (std::size_t i = digits.size(); i > 3; i -= 3) digits.insert(i - 3, 1, ',');
    return digits;
}

std::string format_count(const MatchCount& total) {
    if (total.exact()) return with_thousands(total.lower);
    return "an estimated " + with_thousands(total.estimated) + " (at least " +
           with_thousands(total.lower) + ", at most " + with_thousands(total.upper) + ")";
}

std::string format_number(double value, int max_decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", max_decimals, value);
    std::string s = buf;
    if (s.find('.') != std::string::npos) {
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s;
}

void print_results(std::ostream& out, const SearchResult& result, const PrintOptions& o) {
    switch (o.format) {
        case OutputFormat::Text:
            for (const Hit& hit : result.hits) print_text_hit(out, hit, o);
            if (!result.suggestion.empty()) out << "did you mean: " << result.suggestion << "\n\n";
            if (!result.expansion.empty()) out << dim("expanded with: " + join(result.expansion, " "), o.color) << "\n\n";
            if (result.hits.empty()) {
                out << (result.total.exact() && result.total.lower == 0
                            ? std::string("no results")
                            : "no results on this page, of " + format_count(result.total))
                    << (result.distinct ? distinct_note(result) : "") << '\n';
            } else {
                out << dim("results " + std::to_string(result.hits.front().rank) + "-" +
                               std::to_string(result.hits.back().rank) + " of " +
                               format_count(result.total) +
                               (result.distinct ? distinct_note(result) : ""),
                           o.color)
                    << '\n';
            }
            for (const Facet& f : result.facets) {
                out << f.name << ":";
                for (const auto& [value, count] : f.values) out << "  " << value << " (" << count << ")";
                out << '\n';
            }
            break;
        case OutputFormat::Json:
            for (const Hit& hit : result.hits) out << dump_json(hit_json(hit, o.highlight)) << '\n';
            // Always last, so a script reads the total the same way with or without hits.
            out << dump_json(summary_json(result)) << '\n';
            break;
        case OutputFormat::Trec:
            for (const Hit& hit : result.hits) {
                char score[32];
                std::snprintf(score, sizeof score, "%.6f", hit.score);
                out << o.qid << " Q0 " << hit.review.id << ' ' << hit.rank << ' ' << score << ' '
                    << o.run_tag << '\n';
            }
            break;
    }
}

void print_review(std::ostream& out, const Review& r, const PrintOptions& o,
                  const Highlighter* highlighter) {
    if (o.format == OutputFormat::Json) {
        out << dump_json(review_json(r, o.highlight, highlighter)) << '\n';
        return;
    }
    out << bold(r.title.empty() ? "(untitled)" : r.title, o.color) << '\n';
    auto field = [&](const char* name, const std::string& value) {
        if (!value.empty()) out << dim(std::string(name) + ": ", o.color) << value << '\n';
    };
    field("id", r.id);
    field("reviewer", r.reviewer);
    field("date", r.date);
    field("rating", rating_text(r));
    field("topics", join(r.topics, ", "));
    field("category", r.category);
    field("product", r.product);
    field("url", r.url);
    field("source", r.source);
    for (const auto& [k, v] : r.extra) {
        if (v.size() <= 160) field(k.c_str(), v);
    }
    out << '\n'
        << (highlighter ? render(highlighter->mark_all(r.body), o.highlight) : r.body) << "\n";
}

}  // namespace revsearch::query
