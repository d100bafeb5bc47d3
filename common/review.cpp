#include "common/review.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string_view>

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

namespace {

/// Reads the stored form as to_stored_json() writes it, straight into a Review: one pass, no
/// JSON tree, each string copied once. Decoding every hit's record through nlohmann's tree was
/// most of the cost of a result list after the match itself (bench/RESULTS.md, issue 5). It
/// accepts a strict subset of JSON and gives exactly what the general decoder gives for it;
/// anything else (an unknown or repeated key, a value of another type, malformed or invalid
/// text) makes read() return false, and from_stored_json() falls back to the general decoder,
/// which also produces the errors. So records written by any earlier version read as before.
class StoredRecordReader {
public:
    explicit StoredRecordReader(std::string_view data)
        : p_(data.data()), end_(data.data() + data.size()) {}

    [[nodiscard]] bool read(Review& r) {
        skip_space();
        if (!take('{')) return false;
        skip_space();
        if (take('}')) return at_end();
        std::uint32_t seen = 0;
        std::string key;
        for (;;) {
            if (!string(key)) return false;
            skip_space();
            if (!take(':')) return false;
            skip_space();
            const int field = field_index(key);
            if (field < 0 || (seen & (1u << field)) != 0) return false;
            seen |= 1u << field;
            if (!value(field, r)) return false;
            skip_space();
            if (take(',')) {
                skip_space();
                continue;
            }
            return take('}') && at_end();
        }
    }

private:
    enum Field { kId, kTitle, kReviewer, kDate, kRating, kRatingScale, kTopics, kCategory,
                 kProduct, kBody, kSource, kUrl, kExtra };

    static int field_index(std::string_view key) {
        static constexpr std::string_view kNames[] = {
            "id", "title", "reviewer", "date", "rating", "rating_scale", "topics",
            "category", "product", "body", "source", "url", "extra"};
        for (int i = 0; i < static_cast<int>(std::size(kNames)); ++i) {
            if (kNames[i] == key) return i;
        }
        return -1;
    }

    bool value(int field, Review& r) {
        switch (field) {
            case kId: return string(r.id);
            case kTitle: return string(r.title);
            case kReviewer: return string(r.reviewer);
            case kDate: return string(r.date);
            case kCategory: return string(r.category);
            case kProduct: return string(r.product);
            case kBody: return string(r.body);
            case kSource: return string(r.source);
            case kUrl: return string(r.url);
            case kRating: return number(r.rating);
            case kRatingScale: return number(r.rating_scale);
            case kTopics: return strings(r.topics);
            case kExtra: return pairs(r.extra);
            default: return false;
        }
    }

    void skip_space() {
        while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
    }
    bool take(char c) {
        if (p_ == end_ || *p_ != c) return false;
        ++p_;
        return true;
    }
    bool at_end() {
        skip_space();
        return p_ == end_;
    }

    /// `["a","b",...]`
    bool strings(std::vector<std::string>& out) {
        if (!take('[')) return false;
        skip_space();
        if (take(']')) return true;
        for (;;) {
            std::string item;
            if (!string(item)) return false;
            out.push_back(std::move(item));
            skip_space();
            if (take(']')) return true;
            if (!take(',')) return false;
            skip_space();
        }
    }

    /// `[["k","v"],...]`
    bool pairs(std::vector<std::pair<std::string, std::string>>& out) {
        if (!take('[')) return false;
        skip_space();
        if (take(']')) return true;
        for (;;) {
            std::pair<std::string, std::string> kv;
            if (!take('[')) return false;
            skip_space();
            if (!string(kv.first)) return false;
            skip_space();
            if (!take(',')) return false;
            skip_space();
            if (!string(kv.second)) return false;
            skip_space();
            if (!take(']')) return false;
            out.push_back(std::move(kv));
            skip_space();
            if (take(']')) return true;
            if (!take(',')) return false;
            skip_space();
        }
    }

    /// A JSON number, as nlohmann gives it through get<double>(): correctly rounded (from_chars
    /// like strtod), and an integer zero is +0.
    bool number(std::optional<double>& out) {
        const char* const start = p_;
        take('-');
        if (p_ == end_ || !digit(*p_)) return false;
        if (*p_ == '0') {
            ++p_;
        } else {
            while (p_ != end_ && digit(*p_)) ++p_;
        }
        bool integer = true;
        if (p_ != end_ && *p_ == '.') {
            integer = false;
            ++p_;
            if (p_ == end_ || !digit(*p_)) return false;
            while (p_ != end_ && digit(*p_)) ++p_;
        }
        if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
            integer = false;
            ++p_;
            if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
            if (p_ == end_ || !digit(*p_)) return false;
            while (p_ != end_ && digit(*p_)) ++p_;
        }
        double v = 0;
        const auto [ptr, ec] = std::from_chars(start, p_, v);
        if (ec != std::errc() || ptr != p_) return false;
        if (integer && v == 0) v = 0.0;
        out = v;
        return true;
    }
    static bool digit(char c) { return c >= '0' && c <= '9'; }

    static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
    bool hex4(unsigned& out) {
        if (end_ - p_ < 4) return false;
        out = 0;
        for (int i = 0; i < 4; ++i) {
            const int h = hex(p_[i]);
            if (h < 0) return false;
            out = out * 16 + static_cast<unsigned>(h);
        }
        p_ += 4;
        return true;
    }

    /// The length of the well-formed UTF-8 sequence at p_ (RFC 3629, as nlohmann checks it:
    /// no overlong forms, no surrogates, nothing above U+10FFFF), or 0.
    std::size_t utf8_length() const {
        const auto at = [&](std::size_t i) -> int {
            return p_ + i < end_ ? static_cast<unsigned char>(p_[i]) : -1;
        };
        const auto in = [](int c, int lo, int hi) { return c >= lo && c <= hi; };
        const int c = at(0);
        if (in(c, 0xC2, 0xDF)) return in(at(1), 0x80, 0xBF) ? 2 : 0;
        if (in(c, 0xE0, 0xEF)) {
            const int lo = c == 0xE0 ? 0xA0 : 0x80;
            const int hi = c == 0xED ? 0x9F : 0xBF;
            return in(at(1), lo, hi) && in(at(2), 0x80, 0xBF) ? 3 : 0;
        }
        if (in(c, 0xF0, 0xF4)) {
            const int lo = c == 0xF0 ? 0x90 : 0x80;
            const int hi = c == 0xF4 ? 0x8F : 0xBF;
            return in(at(1), lo, hi) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF) ? 4 : 0;
        }
        return 0;
    }

    /// Moves p_ past plain string bytes: printable ASCII other than '"' and '\\'. Eight bytes
    /// at a time while they are all plain (the bulk of a body), then byte by byte.
    void skip_plain() {
        constexpr std::uint64_t kOnes = 0x0101010101010101ull;
        constexpr std::uint64_t kHigh = 0x8080808080808080ull;
        const auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
        while (end_ - p_ >= 8) {
            std::uint64_t v;
            std::memcpy(&v, p_, 8);
            // Bytes >= 0x80, bytes < 0x20 (v - 0x20 borrows into the high bit), '"', '\\'.
            const std::uint64_t special = (v & kHigh) | ((v - 0x20 * kOnes) & ~v & kHigh) |
                                          has_zero(v ^ ('"' * kOnes)) |
                                          has_zero(v ^ ('\\' * kOnes));
            if (special != 0) break;
            p_ += 8;
        }
        while (p_ != end_) {
            const auto c = static_cast<unsigned char>(*p_);
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) return;
            ++p_;
        }
    }

    /// A JSON string into `out` (replacing what it held).
    bool string(std::string& out) {
        if (!take('"')) return false;
        out.clear();
        const char* run = p_;
        for (;;) {
            skip_plain();
            if (p_ == end_) return false;
            const auto c = static_cast<unsigned char>(*p_);
            if (c == '"') {
                out.append(run, p_);
                ++p_;
                return true;
            }
            if (c < 0x20) return false;  // control characters must be escaped
            if (c >= 0x80) {
                const std::size_t n = utf8_length();
                if (n == 0) return false;
                p_ += n;
                continue;
            }
            out.append(run, p_);
            ++p_;
            if (p_ == end_) return false;
            switch (*p_++) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    unsigned cp = 0;
                    if (!hex4(cp)) return false;
                    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a lone low surrogate
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        unsigned low = 0;
                        if (!take('\\') || !take('u') || !hex4(low)) return false;
                        if (low < 0xDC00 || low > 0xDFFF) return false;
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    }
                    text::append_utf8(out, cp);
                    break;
                }
                default: return false;
            }
            run = p_;
        }
    }

    const char* p_;
    const char* const end_;
};

}  // namespace

Review from_stored_json(const std::string& data) {
    Review r;
    if (StoredRecordReader(data).read(r)) return r;
    return from_stored_json_tree(data);
}

Review from_stored_json_tree(const std::string& data) {
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
