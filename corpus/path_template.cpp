#include "corpus/path_template.hpp"

#include <filesystem>

#include "common/date.hpp"
#include "common/error.hpp"
#include "common/text.hpp"

namespace revsearch::corpus {

namespace {

std::string regex_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

std::string value_of(const PathTemplate::Match& m, std::string_view name) {
    for (const auto& [k, v] : m.values) {
        if (k == name) return v;
    }
    return {};
}

std::string fill(std::string_view pattern, const PathTemplate::Match& m) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '{') {
            const std::size_t close = pattern.find('}', i);
            if (close != std::string_view::npos) {
                out += value_of(m, pattern.substr(i + 1, close - i - 1));
                i = close;
                continue;
            }
        }
        out += pattern[i];
    }
    return out;
}

}  // namespace

std::string decode_path_component(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '+' || c == '_') {
            out += ' ';
        } else if (c == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += c;
        }
    }
    // `%E9` (Latin-1 percent-encoding) decodes to a byte that is not UTF-8 on its own, and
    // review fields must be UTF-8.
    return text::collapse_spaces(text::repair_utf8(out));
}

PathTemplate PathTemplate::parse(std::string_view spec) {
    if (spec == "aclimdb") return aclimdb();
    PathTemplate t;
    t.spec_ = std::string(spec);
    std::string re = "(?:^|/)(";
    for (std::size_t i = 0; i < spec.size(); ++i) {
        if (spec[i] != '{') {
            if (spec[i] == '}') throw UsageError("bad path template '" + t.spec_ + "': stray '}'");
            re += regex_escape(spec.substr(i, 1));
            continue;
        }
        const std::size_t close = spec.find('}', i);
        if (close == std::string_view::npos) {
            throw UsageError("bad path template '" + t.spec_ + "': unclosed '{'");
        }
        const std::string name(spec.substr(i + 1, close - i - 1));
        if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_0123456789") !=
                                std::string::npos) {
            throw UsageError("bad path template '" + t.spec_ + "': field names are lower-case words");
        }
        t.names_.push_back(name);
        re += "([^/]+?)";
        i = close;
    }
    re += ")$";
    if (t.names_.empty()) throw UsageError("bad path template '" + t.spec_ + "': no {fields}");
    t.regex_ = std::regex(re);
    return t;
}

PathTemplate PathTemplate::aclimdb() {
    PathTemplate t = parse("{split}/{label}/{id}_{rating}.txt");
    t.spec_ = "aclimdb";
    t.rating_scale = 10;
    t.zero_rating_is_none = true;
    t.category_from_folders = true;
    t.add_lookup("product=../urls_{label}.txt#{id}");
    return t;
}

void PathTemplate::add_lookup(std::string_view spec) {
    const std::size_t eq = spec.find('=');
    const std::size_t hash = spec.rfind('#');
    // A field, a file and a placeholder are all required: an empty one would never match.
    if (eq == std::string_view::npos || eq == 0 || hash == std::string_view::npos ||
        hash <= eq + 1 || spec.size() < hash + 4 || spec[hash + 1] != '{' || spec.back() != '}') {
        throw UsageError("bad lookup '" + std::string(spec) + "' (expected field=file#{field})");
    }
    lookups_.push_back(Lookup{std::string(spec.substr(0, eq)),
                              std::string(spec.substr(eq + 1, hash - eq - 1)),
                              std::string(spec.substr(hash + 2, spec.size() - hash - 3))});
}

std::optional<PathTemplate::Match> PathTemplate::match(std::string_view path) const {
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_search(path.begin(), path.end(), m, regex_)) return std::nullopt;
    Match out;
    out.matched = m[1].str();
    for (std::size_t i = 0; i < names_.size(); ++i) out.values.emplace_back(names_[i], m[i + 2].str());
    return out;
}

void PathTemplate::apply(const Match& m, Review& r) const {
    std::string id_value;
    bool has_id = false;
    for (const auto& [name, value] : m.values) {
        if (name == "id") {
            id_value = value;
            has_id = true;
        } else if (name == "reviewer") {
            r.reviewer = decode_path_component(value);
        } else if (name == "title") {
            r.title = decode_path_component(value);
        } else if (name == "category") {
            r.category = decode_path_component(value);
        } else if (name == "product") {
            r.product = decode_path_component(value);
        } else if (name == "rating") {
            char* end = nullptr;
            const double v = std::strtod(value.c_str(), &end);
            if (end != value.c_str() && *end == '\0' && !(zero_rating_is_none && v == 0)) {
                r.rating = v;
                if (rating_scale > 0) r.rating_scale = rating_scale;
            }
        } else if (name == "date") {
            if (auto d = date::parse(decode_path_component(value))) r.date = *d;
        } else {
            r.extra.emplace_back(name, value);
        }
    }
    if (category_from_folders && r.category.empty()) {
        r.category = value_of(m, "split") + "/" + value_of(m, "label");
    }
    const std::size_t slash = m.matched.rfind('/');
    const std::string folders = slash == std::string::npos ? "" : m.matched.substr(0, slash);
    if (has_id) {
        r.id = folders.empty() ? id_value : folders + "/" + id_value;
    } else {
        std::string id = m.matched;
        const std::size_t dot = id.rfind('.');
        if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) id.resize(dot);
        r.id = id;
    }
}

std::string PathTemplate::lookup_path(const Lookup& lookup, std::string_view path,
                                      const Match& m) const {
    const std::filesystem::path folder = std::filesystem::path(path).parent_path();
    return (folder / fill(lookup.file_pattern, m)).lexically_normal().generic_string();
}

}  // namespace revsearch::corpus
