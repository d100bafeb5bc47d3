#include "common/packed_positions.hpp"

#include <algorithm>
#include <functional>

#include "common/error.hpp"
#include "common/schema.hpp"

namespace revsearch::positions {

namespace s = revsearch::schema;

namespace {

// Layout:
// - one byte: 0x10 | w, where w (1, 2 or 3) is the width of every word number, plus 0x80
//   when two of the document's words share a word_hash();
// - the number k of positional terms, as a base-128 varint;
// - k little-endian 3-byte word hashes, in rank order;
// - one little-endian w-byte word number per position, from position 1 to the last used.
constexpr unsigned kVersionBits = 0x10;
constexpr unsigned kCollisionBit = 0x80;
constexpr std::size_t kHashBytes = 3;

void put_varint(std::string& out, std::uint32_t v) {
    while (v >= 0x80) {
        out += static_cast<char>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    out += static_cast<char>(v);
}

bool is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }

}  // namespace

bool is_positional_term(std::string_view term) {
    if (term.empty()) return false;
    if (!is_upper(static_cast<unsigned char>(term[0]))) return true;  // unprefixed: the body
    for (const s::Field& field : s::kFields) {
        if (field.kind != s::FieldKind::Text || field.prefix.empty()) continue;
        // Xapian's convention: a prefix is followed by a character that is not a capital
        // letter (or by ':'), so "XP..." is never read as "X" + "P...".
        if (term.size() > field.prefix.size() && term.compare(0, field.prefix.size(), field.prefix) == 0 &&
            !is_upper(static_cast<unsigned char>(term[field.prefix.size()]))) {
            return true;
        }
    }
    return false;
}

std::uint32_t word_hash(std::string_view term) noexcept {
    std::uint32_t h = 2166136261u;  // FNV-1a, 32 bits (Fowler, Noll and Vo's published constants)
    for (unsigned char c : term) {
        h ^= c;
        h *= 16777619u;
    }
    return (h >> 24) ^ (h & 0xffffff);  // folded to 24 bits
}

std::string pack(const Xapian::Document& source, Xapian::Document& target) {
    std::vector<std::uint32_t> numbers;  // numbers[p - 1]: the word at position p
    std::vector<std::uint32_t> hashes;   // hashes[rank - 1]
    std::uint32_t rank = 0;
    for (auto t = source.termlist_begin(); t != source.termlist_end(); ++t) {
        const std::string term = *t;
        target.add_term(term, t.get_wdf());
        const bool positional = is_positional_term(term);
        if (positional) {
            ++rank;
            hashes.push_back(word_hash(term));
        }
        for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) {
            if (!positional) throw Error("term '" + term + "' has positions but is not free text");
            const Xapian::termpos pos = *p;
            if (pos == 0) throw Error("term '" + term + "' has position 0");
            if (pos > numbers.size()) numbers.resize(std::max<std::size_t>(pos, numbers.size() * 2), 0);
            if (numbers[pos - 1] != 0) throw Error("two terms at position " + std::to_string(pos));
            numbers[pos - 1] = rank;
        }
    }
    return encode(numbers, hashes);
}

std::string encode(std::vector<std::uint32_t>& numbers, const std::vector<std::uint32_t>& hashes) {
    while (!numbers.empty() && numbers.back() == 0) numbers.pop_back();
    if (numbers.empty()) return {};
    const auto rank = static_cast<std::uint32_t>(hashes.size());
    const unsigned width = rank < 0xff ? 1 : rank < 0xffff ? 2 : 3;
    if (rank >= 0xffffff) throw Error("a document with more than 16 million distinct words");
    std::vector<std::uint32_t> sorted = hashes;
    std::sort(sorted.begin(), sorted.end());
    const bool collision = std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
    std::string out;
    out.reserve(6 + hashes.size() * kHashBytes + numbers.size() * width);
    out += static_cast<char>(kVersionBits | width | (collision ? kCollisionBit : 0));
    put_varint(out, rank);
    for (std::uint32_t h : hashes) {
        for (std::size_t b = 0; b < kHashBytes; ++b) out += static_cast<char>((h >> (8 * b)) & 0xff);
    }
    for (std::uint32_t n : numbers) {
        for (unsigned b = 0; b < width; ++b) out += static_cast<char>((n >> (8 * b)) & 0xff);
    }
    return out;
}

std::map<std::string, std::vector<Xapian::termpos>> unpack(const Xapian::Document& doc) {
    std::vector<std::string> by_rank;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        if (is_positional_term(*t)) by_rank.push_back(*t);
    }
    const std::string packed = doc.get_value(s::kPositionsSlot);
    const PackedDocument words(packed);
    if (!packed.empty() && words.term_count() != by_rank.size()) {
        throw Error("packed positions name " + std::to_string(words.term_count()) + " words, the term list " +
                    std::to_string(by_rank.size()));
    }
    std::map<std::string, std::vector<Xapian::termpos>> out;
    for (std::size_t i = 0; i < words.length(); ++i) {
        const std::uint32_t n = words.at(i);
        if (n == 0) continue;
        if (n > by_rank.size()) throw Error("packed positions name word " + std::to_string(n) + " of " +
                                            std::to_string(by_rank.size()));
        out[by_rank[n - 1]].push_back(static_cast<Xapian::termpos>(i + 1));
    }
    return out;
}

PackedDocument::PackedDocument(std::string_view packed) {
    if (packed.empty()) return;
    const auto head = static_cast<unsigned char>(packed[0]);
    width_ = head & 0x0f;
    collision_ = (head & kCollisionBit) != 0;
    if ((head & 0x70) != kVersionBits || width_ < 1 || width_ > 3) {
        throw Error("malformed packed positions (header " + std::to_string(head) + ")");
    }
    std::size_t i = 1;
    unsigned shift = 0;
    for (;; shift += 7) {
        if (i >= packed.size() || shift > 28) throw Error("malformed packed positions (term count)");
        const auto byte = static_cast<unsigned char>(packed[i++]);
        term_count_ |= static_cast<std::uint32_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) break;
    }
    const std::size_t table = static_cast<std::size_t>(term_count_) * kHashBytes;
    if (packed.size() - i < table || (packed.size() - i - table) % width_ != 0) {
        throw Error("malformed packed positions (length)");
    }
    hashes_ = reinterpret_cast<const unsigned char*>(packed.data() + i);
    codes_ = hashes_ + table;
    length_ = (packed.size() - i - table) / width_;
}

std::uint32_t PackedDocument::rank_of(std::uint32_t hash) const noexcept {
    const unsigned char* h = hashes_;
    for (std::uint32_t r = 1; r <= term_count_; ++r, h += kHashBytes) {
        const std::uint32_t v = h[0] | (static_cast<std::uint32_t>(h[1]) << 8) | (static_cast<std::uint32_t>(h[2]) << 16);
        if (v == hash) return r;
    }
    return 0;
}

std::uint32_t PackedDocument::at(std::size_t i) const noexcept {
    const unsigned char* c = codes_ + i * width_;
    std::uint32_t n = c[0];
    if (width_ > 1) n |= static_cast<std::uint32_t>(c[1]) << 8;
    if (width_ > 2) n |= static_cast<std::uint32_t>(c[2]) << 16;
    return n;
}

namespace {

/// True when each of the first `n` slots can have a position of its own in [begin, end);
/// `at_slot` lists each slot's positions in order.
bool assignable(const std::vector<std::vector<std::size_t>>& at_slot, std::size_t n,
                std::size_t begin, std::size_t end) {
    // Slots share words ("(tea OR rain) NEAR rain"), so each needs a position of its own: a
    // bipartite matching of slots to the positions in [begin, end), found by augmenting paths
    // (Kuhn's algorithm), O(slots x edges) rather than the exponential search of every
    // assignment.
    thread_local std::vector<std::size_t> owner;  // per position in the window: slot + 1, or 0
    thread_local std::vector<std::size_t> seen;   // per position: the round that last saw it
    owner.assign(end - begin, 0);
    seen.assign(end - begin, 0);
    std::size_t round = 0;
    // Depth-first search from slot s for a free position, moving owners along the way.
    const std::function<bool(std::size_t)> place = [&](std::size_t s) {
        const auto& list = at_slot[s];
        for (auto it = std::lower_bound(list.begin(), list.end(), begin);
             it != list.end() && *it < end; ++it) {
            const std::size_t j = *it - begin;
            if (seen[j] == round) continue;
            seen[j] = round;
            if (owner[j] == 0 || place(owner[j] - 1)) {
                owner[j] = s + 1;
                return true;
            }
        }
        return false;
    };
    for (std::size_t s = 0; s < n; ++s) {
        ++round;
        if (!place(s)) return false;
    }
    return true;
}

}  // namespace

bool PackedDocument::matches(const std::vector<std::vector<std::uint32_t>>& slots, unsigned window,
                             bool ordered) const {
    if (slots.empty()) return false;
    for (const auto& slot : slots) {
        if (slot.empty()) return false;
    }
    const std::size_t n = slots.size();
    if (window < n) window = static_cast<unsigned>(n);
    // Each slot's positions, in order: one pass over the document. Everything below moves
    // forward through these lists, so no check costs more than a few passes over them,
    // whatever the window (NEAR/99999 included).
    thread_local std::vector<std::vector<std::size_t>> at_slot;
    thread_local std::vector<std::size_t> any_slot;  // positions some slot can take
    if (at_slot.size() < n) at_slot.resize(n);
    for (std::size_t s = 0; s < n; ++s) at_slot[s].clear();
    any_slot.clear();
    for (std::size_t i = 0; i < length_; ++i) {
        const std::uint32_t word = at(i);
        if (word == 0) continue;
        bool used = false;
        for (std::size_t s = 0; s < n; ++s) {
            if (std::find(slots[s].begin(), slots[s].end(), word) != slots[s].end()) {
                at_slot[s].push_back(i);
                used = true;
            }
        }
        if (used) any_slot.push_back(i);
    }
    if (any_slot.size() < n) return false;  // n slots need n positions
    for (std::size_t s = 0; s < n; ++s) {
        if (at_slot[s].empty()) return false;
    }
    thread_local std::vector<std::size_t> next;  // per slot, an index into at_slot[slot]
    next.assign(n, 0);
    if (ordered) {
        // From each start, the earliest position for each next slot is never worse than a
        // later one, so the greedy choice finds a match whenever one starts there; and the
        // greedy positions only move forward as the start does.
        for (const std::size_t start : at_slot[0]) {
            std::size_t at_pos = start;
            std::size_t s = 1;
            for (; s < n; ++s) {
                const auto& list = at_slot[s];
                while (next[s] < list.size() && list[next[s]] <= at_pos) ++next[s];
                if (next[s] == list.size()) return false;  // no later start can do better
                at_pos = list[next[s]];
                if (at_pos >= start + window) break;
            }
            if (s == n) return true;
        }
        return false;
    }
    // NEAR: some window holds a position of every slot, each slot at a position of its own. A
    // window can start at the first position it uses, so the starts tried are the slots'
    // positions, in order (merged from the lists).
    bool shared = false;
    for (std::size_t a = 0; a < n && !shared; ++a) {
        for (std::size_t b = a + 1; b < n && !shared; ++b) {
            for (std::uint32_t x : slots[a]) shared = shared || std::find(slots[b].begin(), slots[b].end(), x) != slots[b].end();
        }
    }
    thread_local std::vector<std::size_t> from;  // per slot, the first index >= the start
    from.assign(n, 0);
    std::size_t first = 0, last = 0;  // the positions of any_slot in the window: [first, last)
    for (;;) {
        // The next start: the smallest position not yet tried as one.
        std::size_t start = static_cast<std::size_t>(-1);
        for (std::size_t s = 0; s < n; ++s) {
            if (next[s] < at_slot[s].size()) start = std::min(start, at_slot[s][next[s]]);
        }
        if (start == static_cast<std::size_t>(-1)) return false;
        const std::size_t end = std::min<std::size_t>(length_, start + window);
        bool each = true;
        for (std::size_t s = 0; s < n; ++s) {
            const auto& list = at_slot[s];
            while (from[s] < list.size() && list[from[s]] < start) ++from[s];
            each = each && from[s] < list.size() && list[from[s]] < end;
        }
        while (any_slot[first] < start) ++first;
        last = std::max(last, first);
        while (last < any_slot.size() && any_slot[last] < end) ++last;
        // Shared words: a window with fewer positions than slots cannot give each its own.
        if (each && (!shared || (last - first >= n && assignable(at_slot, n, start, end))))
            return true;
        // A window that reaches the end holds every later one.
        if (end == length_) return false;
        for (std::size_t s = 0; s < n; ++s) {
            if (next[s] < at_slot[s].size() && at_slot[s][next[s]] == start) ++next[s];
        }
    }
}

}  // namespace revsearch::positions
