#pragma once

#include <array>
#include <string_view>

namespace revsearch {

/// revsearch's own English stop-word list: closed-class function words (articles, pronouns,
/// auxiliaries, conjunctions, common prepositions). Written for this project, kept short on
/// purpose: content-bearing words such as "not", "no" and "against" are left in, since they
/// matter for review sentiment.
inline constexpr std::array<std::string_view, 121> kEnglishStopwords = {
    "a",       "about",   "above",  "after",   "again",  "all",    "am",      "an",
    "and",     "any",     "are",    "as",      "at",     "be",     "because", "been",
    "before",  "being",   "below",  "between", "both",   "but",    "by",      "can",
    "could",   "did",     "do",     "does",    "doing",  "down",   "during",  "each",
    "few",     "for",     "from",   "further", "had",    "has",    "have",    "having",
    "he",      "her",     "here",   "hers",    "herself", "him",   "himself", "his",
    "how",     "i",       "if",     "in",      "into",   "is",     "it",      "its",
    "itself",  "just",    "me",     "more",    "most",   "my",     "myself",  "of",
    "off",     "on",      "once",   "only",    "or",     "other",  "our",     "ours",
    "ourselves", "out",   "over",   "own",     "same",   "she",    "should",  "so",
    "some",    "such",    "than",   "that",    "the",    "their",  "theirs",  "them",
    "themselves", "then", "there",  "these",   "they",   "this",   "those",   "through",
    "to",      "too",     "under",  "until",   "up",     "very",   "was",     "we",
    "were",    "what",    "when",   "where",   "which",  "while",  "who",     "whom",
    "why",     "will",    "with",   "would",   "you",    "your",
};

}  // namespace revsearch
