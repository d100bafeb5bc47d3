#pragma once

#include <xapian.h>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

/// Facet counts over a whole match, one review counted once however many copies of it match.
namespace revsearch::query {

/// Maps a slot's stored value to the facet value it counts under (e.g. a rating to its
/// half-star bucket); returning "" leaves the document out of that facet.
using FacetValueMap = std::function<std::string(const std::string&)>;

/// One slot to count: its values, mapped by `map` when it is set.
struct SlotFacetSpec {
    Xapian::valueno slot = Xapian::BAD_VALUENO;
    FacetValueMap map;
};

/// What a FacetCountSpy saw.
struct FacetCounts {
    Xapian::doccount documents = 0;  ///< matching documents
    Xapian::doccount reviews = 0;    ///< of those, distinct reviews (= documents unless distinct)
    /// Per slot, in the order given: facet value -> reviews holding it.
    std::vector<std::unordered_map<std::string, Xapian::doccount>> values;
};

/// A match spy that counts slot values over the documents it sees, as Xapian's
/// ValueCountMatchSpy does, and, with `distinct`, counts each review once: the copies that
/// share a content key (schema::kContentKeySlot; common/content_key.hpp) are one review.
///
/// Xapian calls match spies before it collapses (Enquire::set_collapse_key), so a
/// ValueCountMatchSpy counts every copy even when the results show one. Here a review counts
/// once under each value that some matching copy of it holds: a facet's count is then the
/// number of distinct reviews its filter would select from this match, with duplicates
/// collapsed. (Copies of one review almost always agree, so the values' counts add up to the
/// distinct total; where copies differ, a review counts under each of its values, as a
/// review counts under each of its topics.)
///
/// The caller runs an exhaustive match (check_at_least = the database's size) so that every
/// matching document is seen. A document without a content key is a review of its own.
/// Memory: with `distinct`, 8 bytes plus 4 per slot for each keyed document seen. Not
/// serialisable, so not for remote shards. Not thread-safe; one per match.
class FacetCountSpy final : public Xapian::MatchSpy {
public:
    FacetCountSpy(std::vector<SlotFacetSpec> slots, bool distinct);

    void operator()(const Xapian::Document& doc, double wt) override;

    /// The counts. Call once, after the match.
    [[nodiscard]] FacetCounts finish();

private:
    /// The id of facet value `value` of slot `i`, interned.
    std::uint32_t intern(std::size_t i, const std::string& value);
    /// The id of the facet value that stored value `stored` of slot `i` counts under (kNone
    /// when the slot's map leaves it out).
    std::uint32_t id_of(std::size_t i, const std::string& stored);

    std::vector<SlotFacetSpec> slots_;
    bool distinct_;
    FacetCounts counts_;
    /// Per slot: value -> id, and id -> value.
    std::vector<std::unordered_map<std::string, std::uint32_t>> ids_;
    std::vector<std::vector<std::string>> names_;
    /// Per mapped slot: stored value -> facet value id.
    std::vector<std::unordered_map<std::string, std::uint32_t>> mapped_;
    /// Keyed documents (distinct only): the key's first 64 bits, and per document one value
    /// id per slot (kNone when it has no value there).
    std::vector<std::uint64_t> keys_;
    std::vector<std::uint32_t> value_ids_;
    /// Reviews per slot and value id: the documents without a key as they come, the keyed
    /// ones by finish().
    std::vector<std::vector<Xapian::doccount>> value_counts_;
};

}  // namespace revsearch::query
