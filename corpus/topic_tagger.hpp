#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/analyzer.hpp"
#include "common/review.hpp"

namespace revsearch::corpus {

/// How much evidence a topic needs in one review before the review is tagged with it. A mention
/// of one of the topic's phrases is worth one point, of a strong phrase (a term of art nobody
/// uses in passing: "compassion fatigue") `strong` points, and of a weak phrase (a word with
/// other senses, or one used in passing: "stressful", "anxious") `weak` at its first mention
/// and `weak_repeat` at each further one, so a repeated generic word counts for less than
/// distinct phrases. A review needs max(minimum, words / words_per_point) points: with the
/// defaults, two mentions, and one more for every 500 words past 1,000, so neither one
/// incidental phrase nor a few in a long review are enough. A phrase (not a weak one) in the
/// review's title tags the topic outright. docs/TOPICS.md gives the reasons and what the rule
/// measures on hand-labelled reviews.
struct EvidenceRule {
    double minimum = 2.0;          ///< points every tag needs, however short the review
    double words_per_point = 500;  ///< one point more for every further this many words
    double strong = 2.0;           ///< a strong phrase's mention
    double weak = 0.5;             ///< a weak phrase's first mention
    double weak_repeat = 0.25;     ///< each further mention of the same weak phrase
    /// A mention of any phrase, weak ones too, in the name of the thing reviewed (a book's
    /// title), which says what it is about.
    double product = 2.0;
    /// A mention that starts within this many words of the end of the topic's last mention (in
    /// the same field) is the same passage going on, and counts half. 0: never.
    std::size_t near_words = 20;

    /// The points a review of `words` words needs.
    [[nodiscard]] double needed(std::size_t words) const noexcept;
    bool operator==(const EvidenceRule&) const = default;
};

/// Topics and the phrases that signal them, read from TOML (format: corpus/lexicon/default.toml).
struct TopicLexicon {
    struct Topic {
        std::string name;                  ///< shown and stored, e.g. "compassion fatigue"
        std::vector<std::string> phrases;  ///< as written in the lexicon; includes the name
                                           ///< unless the name is listed otherwise
        std::vector<std::string> strong;   ///< phrases that count for more (EvidenceRule::strong)
        std::vector<std::string> weak;     ///< phrases that count for less (EvidenceRule::weak)
        std::vector<std::string> exclude;  ///< phrases whose words never count for the topic
                                           ///< ("great depression", "cure for insomnia")
    };
    std::vector<Topic> topics;
    EvidenceRule rule;
    std::string origin;  ///< "default" or the file it came from

    /// Parses TOML text. `origin` names it in errors. Throws UsageError on malformed input.
    [[nodiscard]] static TopicLexicon parse(std::string_view toml, const std::string& origin);
    /// Reads a TOML file. Throws UsageError if it cannot be read or parsed.
    [[nodiscard]] static TopicLexicon load(const std::string& path);
    /// The lexicon shipped with revsearch (compiled in from corpus/lexicon/default.toml).
    [[nodiscard]] static TopicLexicon builtin();
};

/// What a review says about one topic.
struct TopicEvidence {
    std::size_t topic = 0;  ///< index into the lexicon's topics
    int mentions = 0;       ///< phrase occurrences counted (weak ones too) in every field
    double points = 0;      ///< the evidence, by the lexicon's EvidenceRule
    double needed = 0;      ///< the points this review's length requires
    bool in_title = false;  ///< a phrase (not a weak one) occurs in the review's title
    bool tagged = false;    ///< in_title, or points >= needed
    double strength = 0;    ///< mentions per 1,000 words of the review (all its words counted)
};

/// Tags reviews with the lexicon's topics. Phrases are matched word for word on the analyzer's
/// words, stop words included ("burned out" needs its "out"), case-folded but not stemmed
/// (Porter2 stems "mindfulness" to "mind"). A phrase never spans two fields. Not thread-safe
/// (it uses the Analyzer): one per thread.
class TopicTagger {
public:
    /// `analyzer` must outlive the tagger.
    TopicTagger(const TopicLexicon& lexicon, const Analyzer& analyzer);

    /// The evidence for every topic mentioned at all, in lexicon order. The fields' words are
    /// the analyzer's, unstemmed, with stop words kept (tokenize() with StopWords::Mark; words
    /// split with stop words dropped match fewer phrases and make reviews look shorter).
    [[nodiscard]] std::vector<TopicEvidence> measure(std::span<const Token> title,
                                                     std::span<const Token> body,
                                                     std::span<const Token> product = {}) const;
    /// measure() over the review's own title, body and product.
    [[nodiscard]] std::vector<TopicEvidence> measure(const Review& review) const;

    /// The topics `text` (read as a review's body) is tagged with, in lexicon order.
    [[nodiscard]] std::vector<std::string> match(std::string_view text) const;

    /// Adds the tagged topics of `evidence` (from measure() of this review) to the review, after
    /// the ones it already has.
    void tag(Review& review, const std::vector<TopicEvidence>& evidence) const;
    /// measure(), then tag(); returns the evidence.
    std::vector<TopicEvidence> tag(Review& review) const;

    /// The lexicon's topic names, in its order (TopicEvidence::topic indexes them).
    [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }

  private:
    enum class Kind { Strong, Phrase, Weak, Exclude };  // in order of worth
    struct Word {
        std::string text;
        bool prefix;  ///< the lexicon wrote it with a trailing '*'
    };
    struct Phrase {
        std::vector<Word> words;
        std::size_t topic;
        Kind kind;
        std::size_t id;  ///< distinct per phrase: weak repeats are counted by it
    };
    /// Per-topic counts while one review is read.
    struct Tally;
    [[nodiscard]] bool matches(const Phrase& phrase, std::span<const Token> words,
                               std::size_t at) const;
    void scan(std::span<const Token> words, int field, std::vector<Tally>& tallies) const;

    const Analyzer& analyzer_;
    std::vector<std::string> names_;
    EvidenceRule rule_;
    std::size_t phrase_count_ = 0;
    // Phrases by their first word; prefix-first phrases are kept apart and tried everywhere.
    std::unordered_map<std::string, std::vector<Phrase>> by_first_;
    std::vector<Phrase> prefix_first_;
};

}  // namespace revsearch::corpus
