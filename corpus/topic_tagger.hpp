#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/analyzer.hpp"
#include "common/review.hpp"

namespace revsearch::corpus {

/// Topics and the phrases that signal them, read from TOML (format: corpus/lexicon/default.toml).
struct TopicLexicon {
    struct Topic {
        std::string name;                  ///< shown and stored, e.g. "compassion fatigue"
        std::vector<std::string> phrases;  ///< as written in the lexicon; includes the name
    };
    std::vector<Topic> topics;
    int min_mentions = 1;
    std::string origin;  ///< "default" or the file it came from

    /// Parses TOML text. `origin` names it in errors. Throws UsageError on malformed input.
    [[nodiscard]] static TopicLexicon parse(std::string_view toml, const std::string& origin);
    /// Reads a TOML file. Throws UsageError if it cannot be read or parsed.
    [[nodiscard]] static TopicLexicon load(const std::string& path);
    /// The lexicon shipped with revsearch (compiled in from corpus/lexicon/default.toml).
    [[nodiscard]] static TopicLexicon builtin();
};

/// Tags reviews with the lexicon's topics. Phrases are matched on the analyzer's words,
/// case-folded but not stemmed. Not thread-safe (it uses the Analyzer): one per thread.
class TopicTagger {
public:
    /// `analyzer` must outlive the tagger.
    TopicTagger(const TopicLexicon& lexicon, const Analyzer& analyzer);

    /// The topics whose phrases occur in `text` at least min_mentions times, in lexicon order.
    [[nodiscard]] std::vector<std::string> match(std::string_view text) const;
    /// As above, on words the analyzer has already made (tokenize() with `stem` false).
    [[nodiscard]] std::vector<std::string> match(const std::vector<Token>& words) const;

    /// Adds the matched topics of title and body to the review, after the ones it already has.
    void tag(Review& review) const;
    /// As above, given the words of the title followed by those of the body (unstemmed), so a
    /// caller that needs the words anyway tokenizes only once.
    void tag(Review& review, const std::vector<Token>& words) const;

private:
    struct Word {
        std::string text;
        bool prefix;  ///< the lexicon wrote it with a trailing '*'
    };
    struct Phrase {
        std::vector<Word> words;
        std::size_t topic;
    };
    [[nodiscard]] bool word_matches(const Word& w, const std::string& token) const;

    const Analyzer& analyzer_;
    std::vector<std::string> names_;
    int min_mentions_;
    // Phrases by their first word; prefix-first phrases are kept apart and tried everywhere.
    std::unordered_map<std::string, std::vector<Phrase>> by_first_;
    std::vector<Phrase> prefix_first_;
};

}  // namespace revsearch::corpus
