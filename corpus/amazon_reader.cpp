#include "corpus/amazon_reader.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/date.hpp"
#include "common/text.hpp"
#include "corpus/bounded_line.hpp"
#include "corpus/json_depth.hpp"

namespace revsearch::corpus {

using json = nlohmann::ordered_json;

namespace {

/// Amazon's reviewTime is written "MM D, YYYY" ("09 1, 2016"), which date::parse does not
/// read: there a leading number is a day. Other spellings go to date::parse.
std::optional<std::string> parse_review_time(const std::string& s) {
    int month = 0, day = 0, year = 0, used = 0;
    if (std::sscanf(s.c_str(), "%d %d, %d%n", &month, &day, &year, &used) == 3 &&
        static_cast<std::size_t>(used) == s.size()) {
        char iso[32];
        std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, month, day);
        return date::parse(iso);  // refuses month 13 or 31 April
    }
    return date::parse(s);
}

/// Parses a line that is UTF-8 (read() decodes it first).
bool parse_amazon(const std::string& line, const InputInfo& info, std::size_t line_number,
                  Review& r, std::string& reason) {
    // nlohmann's dump() and comparisons recurse once per level: a bound first (issue 22).
    if (json_nesting_depth(line, kMaxJsonDepth) > kMaxJsonDepth) {
        reason = kJsonTooDeep;
        return false;
    }
    json j;
    try {
        j = json::parse(line);
    } catch (const json::parse_error&) {
        reason = "malformed JSON";
        return false;
    } catch (const json::exception&) {  // a number too large for a double (1E999)
        reason = "malformed JSON: a number out of range";
        return false;
    }
    if (!j.is_object()) {
        reason = "not a JSON object";
        return false;
    }
    auto str = [&](const char* key, std::string& out) {
        const auto it = j.find(key);
        if (it == j.end() || it->is_null()) return true;
        if (!it->is_string()) {
            reason = std::string("wrong type for '") + key + "': expected string, got " + it->type_name();
            return false;
        }
        out = it->get<std::string>();
        return true;
    };
    std::string asin;
    if (!str("reviewerName", r.reviewer) || !str("summary", r.title) ||
        !str("reviewText", r.body) || !str("asin", asin)) {
        return false;
    }
    r.reviewer = text::collapse_spaces(r.reviewer);
    r.title = text::collapse_spaces(r.title);
    r.product = asin;
    if (const auto it = j.find("overall"); it != j.end() && !it->is_null()) {
        if (!it->is_number()) {
            reason = std::string("wrong type for 'overall': expected number, got ") + it->type_name();
            return false;
        }
        r.rating = it->get<double>();
        r.rating_scale = 5;
    }
    if (const auto it = j.find("unixReviewTime"); it != j.end() && it->is_number_integer()) {
        r.date = date::from_unix_time(it->get<std::int64_t>());
    } else if (const auto t = j.find("reviewTime"); t != j.end() && t->is_string()) {
        if (auto d = parse_review_time(t->get<std::string>())) r.date = *d;
    }
    if (!r.has_text()) {
        reason = "nothing to index (no title and no body)";
        return false;
    }
    static constexpr const char* kMapped[] = {"reviewerName", "summary", "reviewText", "asin",
                                              "overall", "unixReviewTime", "reviewTime"};
    for (const auto& [key, value] : j.items()) {
        bool mapped = false;
        for (const char* m : kMapped) mapped = mapped || key == m;
        if (mapped || value.is_null()) continue;
        r.extra.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
    }
    r.id = derived_id(info, line_number);
    r.source = info.display + ":" + std::to_string(line_number);
    return true;
}

}  // namespace

bool AmazonReader::looks_like_amazon(std::string_view head) {
    const std::string_view first = head.substr(0, head.find('\n'));
    return first.find("\"asin\"") != std::string_view::npos &&
           (first.find("\"overall\"") != std::string_view::npos ||
            first.find("\"reviewerID\"") != std::string_view::npos);
}

void AmazonReader::read(std::istream& in, const InputInfo& info, RecordSink& sink) {
    std::string line, reason;
    std::size_t line_number = 0;
    std::uint64_t length = 0;
    // A line over the limit is not kept whole: its first bytes are, for the reject.
    while (read_bounded_line(in, line, max_record_bytes_, length)) {
        ++line_number;
        if (max_record_bytes_ > 0 && length > max_record_bytes_) {
            sink.on_reject(Reject{info.display + ":" + std::to_string(line_number),
                                  record_too_large(length, max_record_bytes_),
                                  text::truncate_utf8(text::repair_utf8(line.substr(0, 2048)), 1024)});
            continue;
        }
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (text::trim(line).empty()) continue;
        Review review;
        const Decoding decoding = decoder_.decode(line);
        if (decoding.rejected()) {
            sink.on_reject(Reject{info.display + ":" + std::to_string(line_number),
                                  std::string(decoding.reason()),
                                  text::truncate_utf8(text::repair_utf8(line), 1024)});
        } else if (parse_amazon(line, info, line_number, review, reason)) {
            review.source_encoding = decoding.encoding;
            sink.on_review(std::move(review));
        } else {
            sink.on_reject(Reject{info.display + ":" + std::to_string(line_number), reason,
                                  text::truncate_utf8(line, 1024), decoding.encoding});
        }
    }
}

}  // namespace revsearch::corpus
