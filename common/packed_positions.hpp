#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

/// Word positions packed into one value per document, instead of Xapian's position table.
///
/// Glass keeps one B-tree entry per (term, document) pair for positions. A review has about a
/// hundred distinct words, most of them once, so the entry's key (the term and the docid) and
/// its item header cost several times the one or two bytes of interpolative-coded positions
/// they carry. On the 1M-review benchmark corpus the position table was 1,569 MB, half of the
/// index, and writing it was the largest single cost of a build.
///
/// A packed document stores its positions as the sequence of its words instead: position p of
/// the document holds a small number naming the word there, namely the word's rank among the
/// document's positional terms in byte order (the order of its term list), or 0 where no word
/// is (a stop word was left out, or a field ended). That is one byte per word for a review with
/// fewer than 255 distinct words. A table of 3-byte hashes of the words, in rank order, tells
/// a phrase search which number each of its words has without reading the document's term
/// list (query/phrase_source.hpp); the rare document where two words share a hash is flagged,
/// and its words are then looked up in the term list.
///
/// The positional terms of a document are its free-text terms (schema::FieldKind::Text), and
/// only those: boolean terms may come and go without renumbering the words.
namespace revsearch::positions {

/// True when `term` belongs to a free-text field of the schema (body, title, reviewer words,
/// product), whose terms carry positions.
[[nodiscard]] bool is_positional_term(std::string_view term);

/// Copies every term of `source` into `target` with its wdf but without positions, and
/// returns the packed positions of `source`'s positional terms ("" when it has none).
/// Throws Error if two terms share a position or a term outside the free-text fields has
/// positions, neither of which revsearch's analyzer produces.
[[nodiscard]] std::string pack(const Xapian::Document& source, Xapian::Document& target);

/// The packed form of a document's positions, for a builder that knows them without a
/// Document: `hashes[rank - 1]` is the word_hash() of the positional term of that rank (its
/// place among the document's positional terms in term-list order), and `numbers[p - 1]`
/// the rank of the word at position p, or 0 for none. pack() is this over a Document's
/// position lists. Trailing zeros of `numbers` are dropped (it is modified); "" when no
/// position holds a word. Throws Error past 16 million distinct words.
[[nodiscard]] std::string encode(std::vector<std::uint32_t>& numbers, const std::vector<std::uint32_t>& hashes);

/// The positions of every positional term of `doc`, read back from its packed value (slot
/// schema::kPositionsSlot); terms without any position are left out. For tools and tests
/// that want Xapian's view of a document. Throws Error if the value is malformed or names a
/// word the document's term list does not have.
[[nodiscard]] std::map<std::string, std::vector<Xapian::termpos>> unpack(const Xapian::Document& doc);

/// The 24-bit hash by which a packed document names its words (FNV-1a, folded). A document
/// whose words all hash apart can be matched without reading its term list.
[[nodiscard]] std::uint32_t word_hash(std::string_view term) noexcept;

/// One unpacked document, ready to be matched against phrases.
class PackedDocument {
public:
    /// `packed` is what pack() returned. Throws Error if it is malformed.
    explicit PackedDocument(std::string_view packed);

    /// The number of positional terms the document had when it was packed.
    [[nodiscard]] std::uint32_t term_count() const noexcept { return term_count_; }

    /// True when two of the document's words share a word_hash(): rank_of() cannot be used.
    [[nodiscard]] bool has_hash_collision() const noexcept { return collision_; }

    /// The 1-based rank of the document's word with this word_hash(), or 0 when none has it.
    /// When the document has no collision and holds a word, this is that word's rank; a word
    /// it does not hold may still share the hash of one it does.
    [[nodiscard]] std::uint32_t rank_of(std::uint32_t hash) const noexcept;

    /// The word number at 0-based position i (position i + 1 in Xapian's numbering); 0 for none.
    /// REQUIRES: i < length().
    [[nodiscard]] std::uint32_t at(std::size_t i) const noexcept;
    [[nodiscard]] std::size_t length() const noexcept { return length_; }

    /// True when, for every slot s of `slots`, a word numbered in slots[s] occurs such that:
    /// - `ordered` (OP_PHRASE): the slots' words come in order, each after the last, and the
    ///   first and last lie less than `window` positions apart;
    /// - otherwise (OP_NEAR): the words lie less than `window` positions apart, in any order,
    ///   each slot at a position of its own.
    /// This is what Xapian's OP_PHRASE checks on its position lists, and OP_NEAR too unless
    /// slots share words (Xapian then follows its own search order). Word
    /// numbers are 1-based ranks, as rank_of() gives them; a slot with no numbers never matches.
    [[nodiscard]] bool matches(const std::vector<std::vector<std::uint32_t>>& slots, unsigned window,
                               bool ordered) const;

  private:
    const unsigned char* hashes_ = nullptr;
    const unsigned char* codes_ = nullptr;
    std::size_t length_ = 0;
    unsigned width_ = 1;
    std::uint32_t term_count_ = 0;
    bool collision_ = false;
};

}  // namespace revsearch::positions
