#include "corpus/jsonl_reader.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "common/date.hpp"
#include "common/text.hpp"

namespace revsearch::corpus {

using json = nlohmann::ordered_json;

namespace {

constexpr std::size_t kRawBytes = 1024;

std::string type_name(const json& j) { return j.type_name(); }

// Reads a string field. A number is accepted for `id` only, because ids are often numeric.
bool take_string(const json& obj, const char* key, std::string& out, std::string& reason,
                 bool allow_number = false) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return true;
    if (it->is_string()) {
        out = text::trim(it->get_ref<const std::string&>());
        return true;
    }
    if (allow_number && it->is_number_integer()) {
        out = it->dump();
        return true;
    }
    reason = std::string("wrong type for '") + key + "': expected string, got " + type_name(*it);
    return false;
}

bool take_number(const json& obj, const char* key, std::optional<double>& out,
                 std::string& reason) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return true;
    if (it->is_number()) {
        out = it->get<double>();
    } else if (it->is_string()) {
        const std::string s = text::trim(it->get_ref<const std::string&>());
        if (s.empty()) return true;
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (end != s.c_str() + s.size() || !std::isfinite(v)) {
            reason = std::string("wrong value for '") + key + "': not a number: " + s;
            return false;
        }
        out = v;
    } else {
        reason = std::string("wrong type for '") + key + "': expected number, got " + type_name(*it);
        return false;
    }
    if (!std::isfinite(*out)) {
        reason = std::string("wrong value for '") + key + "': not finite";
        return false;
    }
    return true;
}

bool is_known_key(const std::string& key) {
    static constexpr std::string_view kKnown[] = {"id",       "title",   "reviewer", "date",
                                                  "rating",   "rating_scale", "topics", "category",
                                                  "product",  "body",    "url"};
    for (auto k : kKnown) {
        if (k == key) return true;
    }
    return false;
}

}  // namespace

bool JsonlReader::parse_line(const std::string& line, const InputInfo& info,
                             std::size_t line_number, Review& r, std::string& reason) {
    if (!text::is_valid_utf8(line)) {
        reason = "invalid UTF-8";
        return false;
    }
    json obj;
    try {
        obj = json::parse(line);
    } catch (const json::parse_error&) {
        reason = "malformed JSON";
        return false;
    } catch (const json::exception&) {  // a number too large for a double (1E999)
        reason = "malformed JSON: a number out of range";
        return false;
    }
    if (!obj.is_object()) {
        reason = "not a JSON object";
        return false;
    }
    r = Review{};
    std::string date_text;
    if (!take_string(obj, "id", r.id, reason, true) ||
        !take_string(obj, "title", r.title, reason) ||
        !take_string(obj, "reviewer", r.reviewer, reason) ||
        !take_string(obj, "date", date_text, reason) ||
        !take_number(obj, "rating", r.rating, reason) ||
        !take_number(obj, "rating_scale", r.rating_scale, reason) ||
        !take_string(obj, "category", r.category, reason) ||
        !take_string(obj, "product", r.product, reason) ||
        !take_string(obj, "url", r.url, reason)) {
        return false;
    }
    if (const auto it = obj.find("body"); it != obj.end() && !it->is_null()) {
        if (!it->is_string()) {
            reason = "wrong type for 'body': expected string, got " + type_name(*it);
            return false;
        }
        r.body = it->get_ref<const std::string&>();  // keep paragraphs as written
    }
    if (const auto it = obj.find("topics"); it != obj.end() && !it->is_null()) {
        if (it->is_string()) {
            r.add_topic(it->get<std::string>());
        } else if (it->is_array()) {
            for (const auto& t : *it) {
                if (!t.is_string()) {
                    reason = "wrong type for 'topics': expected strings, got " + type_name(t);
                    return false;
                }
                r.add_topic(t.get<std::string>());
            }
        } else {
            reason = "wrong type for 'topics': expected array of strings, got " + type_name(*it);
            return false;
        }
    }
    if (!date_text.empty()) {
        if (auto parsed = date::parse(date_text)) {
            r.date = *parsed;
        } else {
            r.extra.emplace_back("date_raw", date_text);
        }
    }
    if (!r.has_text()) {
        reason = "nothing to index (no title and no body)";
        return false;
    }
    for (const auto& [key, value] : obj.items()) {
        if (is_known_key(key) || value.is_null()) continue;
        r.extra.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
    }
    if (r.id.empty()) r.id = derived_id(info, line_number);
    r.source = info.display + ":" + std::to_string(line_number);
    return true;
}

void JsonlReader::read(std::istream& in, const InputInfo& info, RecordSink& sink) {
    std::string line;
    std::size_t line_number = 0;
    std::string reason;
    while (std::getline(in, line)) {
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (text::trim(line).empty()) continue;
        Review review;
        if (max_record_bytes_ > 0 && line.size() > max_record_bytes_) {
            sink.on_reject(Reject{info.display + ":" + std::to_string(line_number),
                                  "record larger than --max-record-bytes (" + std::to_string(line.size()) +
                                      " > " + std::to_string(max_record_bytes_) + " bytes)",
                                  text::truncate_utf8(text::repair_utf8(line.substr(0, 2048)), kRawBytes)});
            continue;
        }
        if (parse_line(line, info, line_number, review, reason)) {
            sink.on_review(std::move(review));
        } else {
            sink.on_reject(Reject{info.display + ":" + std::to_string(line_number), reason,
                                  text::truncate_utf8(text::repair_utf8(line), kRawBytes)});
        }
    }
}

}  // namespace revsearch::corpus
