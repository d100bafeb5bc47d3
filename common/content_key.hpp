#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/review.hpp"

/// What makes two records "the same review", and the key that says so.
///
/// Corpora repeat reviews: Amazon's 2018 5-core files attach one review to every variant of a
/// product (10,722 records of three categories hold 1,991 distinct reviews), aclImdb holds
/// the same text under two file numbers, Blitzer's files repeat records. Two records are the
/// same review when they have
///   - the same reviewer (the name's words, case and punctuation ignored; none = none),
///   - the same date (the canonical date; none = none),
///   - the same title words and the same body words, in the same order,
/// where a text's words are its runs of Unicode word characters (Xapian's is_wordchar:
/// letters, digits, marks, connector punctuation), lower-cased: case, whitespace,
/// punctuation and markup do not count; every word does, stop words included ("not"), and
/// nothing is stemmed. So the same words by two reviewers are two reviews ("Great product",
/// by nine Amazon reviewers, is nine opinions), and so is one reviewer's same words on two
/// days (a reviewer who writes "Good" for each purchase); the same words under two titles
/// are two postings. Product, category, rating, id and source do not count: a review
/// repeated across product variants differs in exactly those.
///
/// A review with neither reviewer nor date is keyed only when its title and body hold at
/// least kMinAnonymousWords words: without an author or a date, nothing tells one person's
/// "Works great" from another's, and stock phrases are short. Tuned on Amazon 2018 (the
/// longest title-plus-body that different reviewers wrote word for word is 6 words, in 31
/// such groups); checked on aclImdb, where no review has an author or date (its 892
/// duplicate groups all hold at least 16 words).
///
/// The key is XXH3-128 of the normalised fields, as 32 lower-case hex digits: collisions
/// between different reviews are out of reach at any corpus size.
namespace revsearch {

/// Title-plus-body words a review with neither reviewer nor date needs for a content key.
inline constexpr std::size_t kMinAnonymousWords = 10;

/// The words of `text` as the content key sees them: each run of word characters,
/// lower-cased, joined by single spaces. Invalid UTF-8 bytes are read as Latin-1 characters
/// (as Xapian's Utf8Iterator reads them), so any input gives a key. Thread-safe.
[[nodiscard]] std::string key_words(std::string_view text);

/// The review's content key (see above), or "" when it has none: no words at all, or too few
/// words and neither reviewer nor date. Thread-safe.
[[nodiscard]] std::string content_key(const Review& review);

}  // namespace revsearch
