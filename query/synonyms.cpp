#include "query/synonyms.hpp"

#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/text.hpp"

namespace revsearch::query {

SynonymTable SynonymTable::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw UsageError("cannot read synonyms file " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return parse(s.str());
}

SynonymTable SynonymTable::parse(std::string_view content) {
    SynonymTable table;
    for (const std::string& raw : text::split(content, '\n')) {
        const std::string line = text::trim(raw);
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> group;
        for (const std::string& item : text::split(line, ',')) {
            const std::string phrase = text::ascii_lower(text::collapse_spaces(item));
            if (!phrase.empty()) group.push_back(phrase);
        }
        if (group.size() < 2) continue;
        for (const auto& phrase : group) {
            table.group_of_.emplace(phrase, table.groups_.size());
            table.longest_ = std::max(table.longest_, text::split(phrase, ' ').size());
        }
        table.groups_.push_back(std::move(group));
    }
    return table;
}

std::string SynonymTable::expand(std::string_view query) const {
    if (groups_.empty()) return std::string(query);
    // Split into tokens, keeping quoted phrases, fielded words and parentheses intact.
    std::vector<std::string> tokens;
    std::string current;
    bool quoted = false;
    for (char c : query) {
        if (c == '"') {
            current += c;
            quoted = !quoted;
            continue;
        }
        if (!quoted && (c == ' ' || c == '\t')) {
            if (!current.empty()) tokens.push_back(std::move(current));
            current.clear();
            continue;
        }
        current += c;
    }
    if (!current.empty()) tokens.push_back(std::move(current));

    auto bare = [](const std::string& t) {
        if (t.empty() || t == "AND" || t == "OR" || t == "NOT" || t == "XOR" || t == "NEAR" ||
            t == "ADJ") {
            return false;
        }
        for (char c : t) {
            if (c == '"' || c == ':' || c == '(' || c == ')' || c == '*' || c == '+' || c == '-') {
                return false;
            }
        }
        return true;
    };
    std::string out;
    for (std::size_t i = 0; i < tokens.size();) {
        std::size_t matched = 0;
        std::size_t group = 0;
        for (std::size_t n = std::min(longest_, tokens.size() - i); n >= 1 && matched == 0; --n) {
            std::string phrase;
            bool ok = true;
            for (std::size_t k = 0; k < n && ok; ++k) {
                ok = bare(tokens[i + k]);
                phrase += (k ? " " : "") + text::ascii_lower(tokens[i + k]);
            }
            if (!ok) continue;
            if (auto it = group_of_.find(phrase); it != group_of_.end()) {
                matched = n;
                group = it->second;
            }
        }
        if (!out.empty()) out += ' ';
        if (matched == 0) {
            out += tokens[i++];
            continue;
        }
        out += '(';
        for (std::size_t k = 0; k < groups_[group].size(); ++k) {
            const std::string& alt = groups_[group][k];
            if (k) out += " OR ";
            const bool multi = alt.find(' ') != std::string::npos || alt.find('-') != std::string::npos;
            out += multi ? "\"" + alt + "\"" : alt;
        }
        out += ')';
        i += matched;
    }
    return out;
}

}  // namespace revsearch::query
