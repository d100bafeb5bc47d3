#include "corpus/topic_tagger.hpp"

#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "common/error.hpp"
#include "common/text.hpp"

namespace revsearch::corpus {

extern const char* const kBuiltinLexiconToml;  // generated from lexicon/default.toml

TopicLexicon TopicLexicon::parse(std::string_view toml_text, const std::string& origin) {
    TopicLexicon lexicon;
    lexicon.origin = origin;
    toml::table table;
    try {
        table = toml::parse(toml_text, origin);
    } catch (const toml::parse_error& e) {
        std::ostringstream where;
        where << origin << ":" << e.source().begin.line << ": " << e.description();
        throw UsageError("bad topic lexicon: " + where.str());
    }
    if (auto m = table["min_mentions"].value<std::int64_t>()) {
        lexicon.min_mentions = static_cast<int>(std::max<std::int64_t>(1, *m));
    }
    const toml::table* topics = table["topics"].as_table();
    if (topics == nullptr) throw UsageError("bad topic lexicon " + origin + ": no [topics] table");
    for (const auto& [key, node] : *topics) {
        Topic topic{std::string(key.str()), {std::string(key.str())}};
        const toml::array* phrases = node.as_array();
        if (phrases == nullptr) {
            throw UsageError("bad topic lexicon " + origin + ": topic '" + topic.name +
                             "' must be an array of phrases");
        }
        for (const auto& p : *phrases) {
            const auto s = p.value<std::string>();
            if (!s) {
                throw UsageError("bad topic lexicon " + origin + ": topic '" + topic.name +
                                 "' has a phrase that is not a string");
            }
            topic.phrases.push_back(*s);
        }
        lexicon.topics.push_back(std::move(topic));
    }
    return lexicon;
}

TopicLexicon TopicLexicon::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError("cannot read topic lexicon " + path);
    std::ostringstream content;
    content << in.rdbuf();
    return parse(content.str(), path);
}

TopicLexicon TopicLexicon::builtin() { return parse(kBuiltinLexiconToml, "default"); }

TopicTagger::TopicTagger(const TopicLexicon& lexicon, const Analyzer& analyzer)
    : analyzer_(analyzer), min_mentions_(lexicon.min_mentions) {
    std::vector<Token> tokens;
    for (std::size_t t = 0; t < lexicon.topics.size(); ++t) {
        names_.push_back(lexicon.topics[t].name);
        for (const std::string& phrase : lexicon.topics[t].phrases) {
            Phrase compiled{{}, t};
            // Split on spaces first so a trailing '*' stays attached to its word.
            for (const std::string& raw : text::split(text::collapse_spaces(phrase), ' ')) {
                const bool prefix = !raw.empty() && raw.back() == '*';
                tokens.clear();
                analyzer_.tokenize(prefix ? raw.substr(0, raw.size() - 1) : raw, tokens, false);
                for (std::size_t k = 0; k < tokens.size(); ++k) {
                    compiled.words.push_back(
                        Word{tokens[k].term, prefix && k + 1 == tokens.size()});
                }
            }
            if (compiled.words.empty()) continue;
            if (compiled.words.front().prefix) {
                prefix_first_.push_back(std::move(compiled));
            } else {
                by_first_[compiled.words.front().text].push_back(std::move(compiled));
            }
        }
    }
}

bool TopicTagger::word_matches(const Word& w, const std::string& token) const {
    return w.prefix ? text::starts_with(token, w.text) : token == w.text;
}

std::vector<std::string> TopicTagger::match(std::string_view input) const {
    std::vector<Token> tokens;
    analyzer_.tokenize(input, tokens, false);
    return match(tokens);
}

std::vector<std::string> TopicTagger::match(const std::vector<Token>& tokens) const {
    std::vector<int> mentions(names_.size(), 0);
    auto try_phrase = [&](const Phrase& phrase, std::size_t at) {
        if (at + phrase.words.size() > tokens.size()) return;
        for (std::size_t k = 0; k < phrase.words.size(); ++k) {
            if (!word_matches(phrase.words[k], tokens[at + k].term)) return;
        }
        ++mentions[phrase.topic];
    };
    for (std::size_t at = 0; at < tokens.size(); ++at) {
        if (auto it = by_first_.find(tokens[at].term); it != by_first_.end()) {
            for (const Phrase& phrase : it->second) try_phrase(phrase, at);
        }
        for (const Phrase& phrase : prefix_first_) try_phrase(phrase, at);
    }
    std::vector<std::string> found;
    for (std::size_t t = 0; t < names_.size(); ++t) {
        if (mentions[t] >= min_mentions_) found.push_back(names_[t]);
    }
    return found;
}

void TopicTagger::tag(Review& review) const {
    std::vector<Token> words;
    analyzer_.tokenize(review.title, words, false);
    analyzer_.tokenize(review.body, words, false);
    tag(review, words);
}

void TopicTagger::tag(Review& review, const std::vector<Token>& words) const {
    for (const std::string& topic : match(words)) review.add_topic(topic);
}

}  // namespace revsearch::corpus
