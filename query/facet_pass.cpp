#include "query/facet_pass.hpp"

#include <bit>

namespace revsearch::query {

SlotValuesSpy::SlotValuesSpy(std::vector<Xapian::valueno> slots)
    : slots_(std::move(slots)), counts_(slots_.size()) {}

void SlotValuesSpy::operator()(const Xapian::Document& doc, double /*wt*/) {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        std::string value = doc.get_value(slots_[i]);
        if (value.empty()) continue;
        // Found first, so a value seen before is not copied again.
        auto& counts = counts_[i];
        if (const auto it = counts.find(value); it != counts.end()) {
            ++it->second;
        } else {
            counts.emplace(std::move(value), 1);
        }
    }
}

MatchedDocsSpy::MatchedDocsSpy(const Xapian::Database& db)
    : db_(db), bits_(static_cast<std::size_t>(db.get_lastdocid()) / 64 + 1, 0) {}

void MatchedDocsSpy::operator()(const Xapian::Document& doc, double /*wt*/) {
    const Xapian::docid did = doc.get_docid();
    const std::size_t word = did / 64;
    // The database cannot grow under a match (a reader sees one revision), but stay safe.
    if (word >= bits_.size()) bits_.resize(word + 1, 0);
    const std::uint64_t bit = std::uint64_t{1} << (did % 64);
    if ((bits_[word] & bit) == 0) ++matched_;
    bits_[word] |= bit;
}

Xapian::doccount MatchedDocsSpy::count_holding(const std::string& term) const {
    Xapian::doccount n = 0;
    Xapian::PostingIterator it = db_.postlist_begin(term);
    const Xapian::PostingIterator end = db_.postlist_end(term);
    if (static_cast<std::uint64_t>(matched_) * kSkipRatio < db_.get_termfreq(term)) {
        // A small match within a long posting list: skip to each matched document rather
        // than read every posting (a filtered query's facets cost what the old per-topic
        // filter match did).
        for (std::size_t word = 0; word < bits_.size() && it != end; ++word) {
            for (std::uint64_t w = bits_[word]; w != 0 && it != end; w &= w - 1) {
                const auto did = static_cast<Xapian::docid>(word * 64 + std::countr_zero(w));
                it.skip_to(did);
                if (it != end && *it == did) ++n;
            }
        }
        return n;
    }
    for (; it != end; ++it) {
        const Xapian::docid did = *it;
        const std::size_t word = did / 64;
        if (word < bits_.size() && (bits_[word] >> (did % 64) & 1) != 0) ++n;
    }
    return n;
}

}  // namespace revsearch::query
