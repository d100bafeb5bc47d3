#include "query/facet_counts.hpp"

#include <algorithm>
#include <charconv>
#include <numeric>

#include "common/schema.hpp"

namespace revsearch::query {

namespace {

constexpr std::uint32_t kNone = 0xFFFFFFFFu;

/// The first 64 bits of a content key (hex digits), or a hash of a value that is not one.
/// Within one match, 64 bits keep distinct reviews apart: two keys of a million matching
/// reviews share their first 64 bits with a chance of about 3e-8.
std::uint64_t key_bits(const std::string& key) {
    std::uint64_t v = 0;
    const char* end = key.data() + std::min<std::size_t>(key.size(), 16);
    const auto [ptr, ec] = std::from_chars(key.data(), end, v, 16);
    if (ec == std::errc() && ptr == end && key.size() >= 16) return v;
    return std::hash<std::string>{}(key);
}

}  // namespace

FacetCountSpy::FacetCountSpy(std::vector<SlotFacetSpec> slots, bool distinct)
    : slots_(std::move(slots)),
      distinct_(distinct),
      ids_(slots_.size()),
      names_(slots_.size()),
      mapped_(slots_.size()),
      value_counts_(slots_.size()) {}

std::uint32_t FacetCountSpy::intern(std::size_t i, const std::string& value) {
    const auto [it, added] = ids_[i].emplace(value, static_cast<std::uint32_t>(names_[i].size()));
    if (added) {
        names_[i].push_back(value);
        value_counts_[i].push_back(0);
    }
    return it->second;
}

std::uint32_t FacetCountSpy::id_of(std::size_t i, const std::string& stored) {
    if (!slots_[i].map) return intern(i, stored);
    // The map is called once per stored value, not once per document.
    const auto known = mapped_[i].find(stored);
    if (known != mapped_[i].end()) return known->second;
    const std::string value = slots_[i].map(stored);
    const std::uint32_t id = value.empty() ? kNone : intern(i, value);
    mapped_[i].emplace(stored, id);
    return id;
}

void FacetCountSpy::operator()(const Xapian::Document& doc, double) {
    ++counts_.documents;
    std::string key;
    if (distinct_) key = doc.get_value(schema::kContentKeySlot);
    if (!key.empty()) keys_.push_back(key_bits(key));
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        const std::string stored = doc.get_value(slots_[i].slot);
        const std::uint32_t id = stored.empty() ? kNone : id_of(i, stored);
        if (!key.empty()) {
            value_ids_.push_back(id);
        } else if (id != kNone) {
            ++value_counts_[i][id];
        }
    }
    if (key.empty()) ++counts_.reviews;
}

FacetCounts FacetCountSpy::finish() {
    const std::size_t width = slots_.size();
    std::vector<std::uint32_t> order(keys_.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return keys_[a] < keys_[b]; });
    std::vector<std::uint32_t> group_values;
    for (std::size_t start = 0; start < order.size();) {
        std::size_t end = start + 1;
        while (end < order.size() && keys_[order[end]] == keys_[order[start]]) ++end;
        ++counts_.reviews;
        for (std::size_t i = 0; i < width; ++i) {
            group_values.clear();
            for (std::size_t k = start; k < end; ++k) {
                const std::uint32_t id = value_ids_[static_cast<std::size_t>(order[k]) * width + i];
                if (id != kNone) group_values.push_back(id);
            }
            std::sort(group_values.begin(), group_values.end());
            group_values.erase(std::unique(group_values.begin(), group_values.end()),
                               group_values.end());
            for (const std::uint32_t id : group_values) ++value_counts_[i][id];
        }
        start = end;
    }
    counts_.values.assign(width, {});
    for (std::size_t i = 0; i < width; ++i) {
        for (std::uint32_t id = 0; id < names_[i].size(); ++id) {
            if (value_counts_[i][id] > 0) counts_.values[i][names_[i][id]] = value_counts_[i][id];
        }
    }
    return counts_;
}

}  // namespace revsearch::query
