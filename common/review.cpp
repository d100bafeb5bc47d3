#include "common/review.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/schema.hpp"
#include "common/text.hpp"

namespace revsearch {

using nlohmann::json;

void Review::add_topic(const std::string& topic) {
    const std::string key = schema::normalize_boolean(topic);
    if (key.empty()) return;
    const bool present = std::any_of(topics.begin(), topics.end(), [&](const std::string& t) {
        return schema::normalize_boolean(t) == key;
    });
    if (!present) topics.push_back(text::collapse_spaces(topic));
}

std::string Review::extra_value(const std::string& key) const {
    for (const auto& [k, v] : extra) {
        if (k == key) return v;
    }
    return {};
}

bool Review::has_text() const {
    return !text::trim(title).empty() || !text::trim(body).empty();
}

std::string to_stored_json(const Review& r) {
    json j = json::object();
    auto put = [&](const char* key, const std::string& value) {
        if (!value.empty()) j[key] = value;
    };
    put("id", r.id);
    put("title", r.title);
    put("reviewer", r.reviewer);
    put("date", r.date);
    if (r.rating) j["rating"] = *r.rating;
    if (r.rating_scale) j["rating_scale"] = *r.rating_scale;
    if (!r.topics.empty()) j["topics"] = r.topics;
    put("category", r.category);
    put("product", r.product);
    put("body", r.body);
    put("source", r.source);
    put("url", r.url);
    if (!r.extra.empty()) {
        json extra = json::array();
        for (const auto& [k, v] : r.extra) extra.push_back(json::array({k, v}));
        j["extra"] = std::move(extra);
    }
    // Replacement, not an exception: stored text was validated by the reader, and a stray byte
    // must not make a document unstorable.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Review from_stored_json(const std::string& data) {
    json j;
    try {
        j = json::parse(data);
    } catch (const json::exception& e) {
        throw Error(std::string("stored record is not JSON: ") + e.what());
    }
    if (!j.is_object()) throw Error("stored record is not a JSON object");
    Review r;
    auto get = [&](const char* key, std::string& out) {
        if (auto it = j.find(key); it != j.end() && it->is_string()) out = it->get<std::string>();
    };
    get("id", r.id);
    get("title", r.title);
    get("reviewer", r.reviewer);
    get("date", r.date);
    if (auto it = j.find("rating"); it != j.end() && it->is_number()) r.rating = it->get<double>();
    if (auto it = j.find("rating_scale"); it != j.end() && it->is_number()) {
        r.rating_scale = it->get<double>();
    }
    if (auto it = j.find("topics"); it != j.end() && it->is_array()) {
        for (const auto& t : *it) {
            if (t.is_string()) r.topics.push_back(t.get<std::string>());
        }
    }
    get("category", r.category);
    get("product", r.product);
    get("body", r.body);
    get("source", r.source);
    get("url", r.url);
    if (auto it = j.find("extra"); it != j.end() && it->is_array()) {
        for (const auto& kv : *it) {
            if (kv.is_array() && kv.size() == 2 && kv[0].is_string() && kv[1].is_string()) {
                r.extra.emplace_back(kv[0].get<std::string>(), kv[1].get<std::string>());
            }
        }
    }
    return r;
}

}  // namespace revsearch
