#include "common/schema.hpp"

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include "common/text.hpp"

namespace revsearch::schema {

namespace {

// Xapian's glass backend refuses terms longer than 245 bytes.
constexpr std::size_t kMaxTermBytes = 240;

std::string fnv1a_hex(std::string_view s) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::string bounded_term(std::string_view prefix, const std::string& value) {
    std::string term(prefix);
    if (term.size() + value.size() <= kMaxTermBytes) return term + value;
    const std::string hash = fnv1a_hex(value);
    term += text::truncate_utf8(value, kMaxTermBytes - term.size() - hash.size() - 1);
    return term + "#" + hash;
}

}  // namespace

std::string normalize_boolean(std::string_view value) {
    return Xapian::Unicode::tolower(text::collapse_spaces(value));
}

std::string boolean_term(std::string_view prefix, std::string_view value) {
    return bounded_term(prefix, normalize_boolean(value));
}

std::string id_term(std::string_view id) { return bounded_term(kIdPrefix, text::collapse_spaces(id)); }

std::optional<double> normalised_rating(std::optional<double> rating, std::optional<double> scale) {
    if (!rating || !scale || !std::isfinite(*rating) || !std::isfinite(*scale) || *scale <= 0) {
        return std::nullopt;
    }
    if (*rating < 0 || *rating > *scale) return std::nullopt;
    return std::round(*rating / *scale * kRatingScale * 100.0) / 100.0;
}

double rating_bucket(double normalised) { return std::floor(normalised * 2.0) / 2.0; }

int stored_version(const Xapian::Database& db) {
    const std::string stored = db.get_metadata(std::string(kMetaSchema));
    if (!stored.empty()) return std::atoi(stored.c_str());
    const auto analyzer =
        nlohmann::json::parse(db.get_metadata(std::string(kMetaAnalyzer)), nullptr, false);
    if (analyzer.is_object()) {
        const auto it = analyzer.find("schema");
        if (it != analyzer.end() && it->is_number_integer()) return it->get<int>();
    }
    return 0;
}

std::vector<std::string> symbol_terms(std::string_view text) {
    std::vector<std::string> terms;
    for (std::size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t length = text::utf8_sequence_length(text, i);
        if (length == 0) {
            ++i;
            continue;
        }
        const std::string_view character = text.substr(i, length);
        i += length;
        const unsigned cp = *Xapian::Utf8Iterator(character.data(), character.size());
        const auto category = Xapian::Unicode::get_category(cp);
        if (category != Xapian::Unicode::OTHER_SYMBOL &&
            category != Xapian::Unicode::CURRENCY_SYMBOL) {
            continue;
        }
        std::string term = std::string(kSymbolPrefix) + std::string(character);
        if (std::find(terms.begin(), terms.end(), term) == terms.end())
            terms.push_back(std::move(term));
    }
    return terms;
}

std::string rating_value(double rating) { return Xapian::sortable_serialise(rating); }

double rating_from_value(const std::string& value) { return Xapian::sortable_unserialise(value); }

std::string strength_value(double strength) { return Xapian::sortable_serialise(strength); }

double strength_from_value(const std::string& value) { return Xapian::sortable_unserialise(value); }

}  // namespace revsearch::schema
