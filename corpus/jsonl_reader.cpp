#include "corpus/jsonl_reader.hpp"

#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "common/date.hpp"
#include "common/text.hpp"
#include "corpus/bounded_line.hpp"
#include "corpus/json_depth.hpp"

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

/// A number given as text (" 3.5 "): blank gives nothing and true; anything but one whole
/// finite number gives false.
bool number_from_text(const std::string& text, std::optional<double>& out) {
    const std::string s = text::trim(text);
    if (s.empty()) return true;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v)) return false;
    out = v;
    return true;
}

bool take_number(const json& obj, const char* key, std::optional<double>& out,
                 std::string& reason) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return true;
    if (it->is_number()) {
        out = it->get<double>();
    } else if (it->is_string()) {
        if (!number_from_text(it->get_ref<const std::string&>(), out)) {
            reason = std::string("wrong value for '") + key +
                     "': not a number: " + text::trim(it->get_ref<const std::string&>());
            return false;
        }
        if (!out) return true;
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

/// The format's keys; parse_plain() numbers them in this order.
enum Key : unsigned { Id, Title, Reviewer, Date, Rating, Scale, Topics, Category, Product, Body, Url, kKeys };
constexpr std::array<std::string_view, kKeys> kKnownKeys{
    "id", "title", "reviewer", "date", "rating", "rating_scale", "topics", "category", "product", "body", "url"};

/// The number of `key` in kKnownKeys, or kKeys when it is not one of them.
unsigned key_number(std::string_view key) {
    unsigned k = 0;
    while (k < kKeys && kKnownKeys[k] != key) ++k;
    return k;
}

/// A date the format's parser reads becomes the review's date; one it cannot read is kept as
/// extra `date_raw`, so the record is not lost.
void apply_date(Review& r, const std::string& date_text) {
    if (date_text.empty()) return;
    if (auto parsed = date::parse(date_text)) {
        r.date = *parsed;
    } else {
        r.extra.emplace_back("date_raw", date_text);
    }
}

/// Where the review came from, and an id derived from it when the line gave none.
void set_origin(Review& r, const InputInfo& info, std::size_t line_number) {
    if (r.id.empty()) r.id = derived_id(info, line_number);
    r.source = info.display + ":" + std::to_string(line_number);
}

/// The common case, read with simdjson: a line without control bytes holding an object
/// whose known keys have the types the format asks for, where no key comes twice and every
/// unknown key's value is a string or null. Fills `r` as parse_line_general() would and
/// returns true; returns false, with `r` in any state, for every other line. Those go to the
/// general path, which gives the same result and, for a reject, the reason. That keeps
/// nlohmann's reading (its number formats, its handling of repeated keys) the one
/// definition, and simdjson a faster route to the same records: the reader's thread parses
/// for every lane, and what it spends is taken from them.
bool parse_plain(const std::string& line, Review& r) {
    for (const char c : line) {
        if (static_cast<unsigned char>(c) < 0x20) return false;  // nlohmann refuses them in strings
    }
    thread_local simdjson::dom::parser parser;
    thread_local std::string padded;
    padded.reserve(line.size() + simdjson::SIMDJSON_PADDING);
    padded.assign(line);
    simdjson::dom::object obj;
    if (parser.parse(padded.data(), padded.size(), false).get_object().get(obj) != simdjson::SUCCESS) {
        return false;
    }
    r = Review{};
    unsigned seen = 0;
    std::string date_text;
    struct Unknown {
        std::string_view key;
        std::string_view value;
        bool null;
    };
    std::vector<Unknown> unknown;
    const auto string_of = [](simdjson::dom::element v, std::string& out) {
        std::string_view sv;
        if (v.get_string().get(sv) != simdjson::SUCCESS) return false;
        out = text::trim(std::string(sv));
        return true;
    };
    const auto number_of = [](simdjson::dom::element v, std::optional<double>& out) {
        double d = 0;
        if (v.get_double().get(d) == simdjson::SUCCESS) {  // any number (simdjson converts integers)
            out = d;
            return std::isfinite(d);
        }
        std::string_view sv;
        return v.get_string().get(sv) == simdjson::SUCCESS && number_from_text(std::string(sv), out);
    };
    for (const auto field : obj) {
        const std::string_view key = field.key;
        const simdjson::dom::element value = field.value;
        const unsigned k = key_number(key);
        if (k < kKeys) {
            if ((seen & (1u << k)) != 0) return false;
            seen |= 1u << k;
        } else {
            for (const Unknown& u : unknown) {
                if (u.key == key) return false;
            }
        }
        if (value.is_null()) {
            if (k == kKeys) unknown.push_back({key, {}, true});  // kept to find it repeated
            continue;
        }
        bool ok = true;
        switch (k) {
            case Id:
                if (value.is_int64()) {
                    r.id = std::to_string(value.get_int64().value_unsafe());
                } else if (value.is_uint64()) {
                    r.id = std::to_string(value.get_uint64().value_unsafe());
                } else {
                    ok = string_of(value, r.id);
                }
                break;
            case Title: ok = string_of(value, r.title); break;
            case Reviewer: ok = string_of(value, r.reviewer); break;
            case Date: ok = string_of(value, date_text); break;
            case Rating: ok = number_of(value, r.rating); break;
            case Scale: ok = number_of(value, r.rating_scale); break;
            case Category: ok = string_of(value, r.category); break;
            case Product: ok = string_of(value, r.product); break;
            case Url: ok = string_of(value, r.url); break;
            case Body: {
                std::string_view sv;
                ok = value.get_string().get(sv) == simdjson::SUCCESS;
                if (ok) r.body.assign(sv);  // keep paragraphs as written
                break;
            }
            case Topics: {
                std::string_view sv;
                simdjson::dom::array topics;
                if (value.get_string().get(sv) == simdjson::SUCCESS) {
                    r.add_topic(std::string(sv));
                } else if (value.get_array().get(topics) == simdjson::SUCCESS) {
                    for (const simdjson::dom::element t : topics) {
                        if (t.get_string().get(sv) != simdjson::SUCCESS) return false;
                        r.add_topic(std::string(sv));
                    }
                } else {
                    ok = false;
                }
                break;
            }
            default: {
                std::string_view sv;
                ok = value.get_string().get(sv) == simdjson::SUCCESS;
                if (ok) unknown.push_back({key, sv, false});
                break;
            }
        }
        if (!ok) return false;
    }
    apply_date(r, date_text);
    if (!r.has_text()) return false;
    for (const Unknown& u : unknown) {
        if (!u.null) r.extra.emplace_back(std::string(u.key), std::string(u.value));
    }
    return true;
}

}  // namespace

bool JsonlReader::parse_line(const std::string& line, const InputInfo& info,
                             std::size_t line_number, Review& r, std::string& reason) {
    if (!text::is_valid_utf8(line)) {
        reason = "invalid UTF-8";
        return false;
    }
    return parse_utf8_line(line, info, line_number, r, reason);
}

bool JsonlReader::parse_utf8_line(const std::string& line, const InputInfo& info,
                                  std::size_t line_number, Review& r, std::string& reason) {
    if (!parse_plain(line, r)) return parse_line_general(line, info, line_number, r, reason);
    set_origin(r, info, line_number);
    return true;
}

bool JsonlReader::parse_line_general(const std::string& line, const InputInfo& info,
                                     std::size_t line_number, Review& r, std::string& reason) {
    if (!text::is_valid_utf8(line)) {
        reason = "invalid UTF-8";
        return false;
    }
    // nlohmann's dump() and comparisons recurse once per level: a bound first (issue 22).
    if (json_nesting_depth(line, kMaxJsonDepth) > kMaxJsonDepth) {
        reason = kJsonTooDeep;
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
    apply_date(r, date_text);
    if (!r.has_text()) {
        reason = "nothing to index (no title and no body)";
        return false;
    }
    for (const auto& [key, value] : obj.items()) {
        if (key_number(key) < kKeys || value.is_null()) continue;
        r.extra.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
    }
    set_origin(r, info, line_number);
    return true;
}

void JsonlReader::read(std::istream& in, const InputInfo& info, RecordSink& sink) {
    std::string line;
    std::size_t line_number = 0;
    std::string reason;
    std::uint64_t length = 0;
    // A line over the limit is not kept whole: its first bytes are, for the reject.
    while (read_bounded_line(in, line, max_record_bytes_, length)) {
        ++line_number;
        if (max_record_bytes_ > 0 && length > max_record_bytes_) {
            sink.on_reject(Reject{info.display + ":" + std::to_string(line_number),
                                  record_too_large(length, max_record_bytes_),
                                  text::truncate_utf8(text::repair_utf8(line.substr(0, 2048)), kRawBytes)});
            continue;
        }
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (text::trim(line).empty()) continue;
        Review review;
        const Decoding decoding = decoder_.decode(line);
        if (decoding.rejected()) {
            sink.on_reject(Reject{info.display + ":" + std::to_string(line_number),
                                  std::string(decoding.reason()),
                                  text::truncate_utf8(text::repair_utf8(line), kRawBytes)});
        } else if (parse_utf8_line(line, info, line_number, review, reason)) {
            review.source_encoding = decoding.encoding;
            sink.on_review(std::move(review));
        } else {
            sink.on_reject(Reject{info.display + ":" + std::to_string(line_number), reason,
                                  text::truncate_utf8(line, kRawBytes), decoding.encoding});
        }
    }
}

}  // namespace revsearch::corpus
