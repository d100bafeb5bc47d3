#include "corpus/topic_tagger.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "common/error.hpp"
#include "common/text.hpp"

namespace revsearch::corpus {

extern const char* const kBuiltinLexiconToml;  // generated from lexicon/default.toml

namespace {

/// The fields a phrase can occur in; a phrase never spans two of them.
enum Field { kTitle = 0, kBody = 1, kProduct = 2 };

[[noreturn]] void malformed(const std::string& origin, const std::string& what) {
    throw UsageError("bad topic lexicon " + origin + ": " + what);
}

/// Reads an array of phrases (strings). Throws UsageError naming the topic otherwise.
std::vector<std::string> phrase_list(const toml::node& node, const std::string& origin,
                                     const std::string& topic, const char* key) {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
        malformed(origin, "topic '" + topic + "': " + key + " must be an array of phrases");
    }
    std::vector<std::string> out;
    for (const auto& p : *array) {
        const auto s = p.value<std::string>();
        if (!s) malformed(origin, "topic '" + topic + "' has a phrase that is not a string");
        out.push_back(*s);
    }
    return out;
}

/// Reads a number of the [evidence] table into `out`; it must be at least `least`.
void read_number(const toml::table& table, const char* key, double least, double& out,
                 const std::string& origin) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return;
    const auto v = node->value<double>();
    if (!v || !std::isfinite(*v) || *v < least) {
        std::ostringstream bound;
        bound << least;
        malformed(origin, std::string("[evidence] ") + key + " must be a number of at least " +
                              bound.str());
    }
    out = *v;
}

}  // namespace

double EvidenceRule::needed(std::size_t words) const noexcept {
    return std::max(minimum, static_cast<double>(words) / words_per_point);
}

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
    // Lexicons written before the evidence rule name only a minimum count of mentions.
    if (auto m = table["min_mentions"].value<std::int64_t>()) {
        lexicon.rule.minimum = static_cast<double>(std::max<std::int64_t>(1, *m));
    }
    if (const toml::node* evidence = table.get("evidence")) {
        const toml::table* rule = evidence->as_table();
        if (rule == nullptr) malformed(origin, "[evidence] must be a table");
        for (const auto& [key, value] : *rule) {
            static constexpr std::string_view kKeys[] = {"minimum",   "words_per_point", "strong",
                                                         "weak",      "weak_repeat",     "product",
                                                         "near_words"};
            if (std::find(std::begin(kKeys), std::end(kKeys), key.str()) == std::end(kKeys)) {
                malformed(origin, "[evidence] has an unknown key '" + std::string(key.str()) +
                                      "' (known: minimum, words_per_point, strong, weak, "
                                      "weak_repeat, product, near_words)");
            }
        }
        read_number(*rule, "minimum", 0.01, lexicon.rule.minimum, origin);
        read_number(*rule, "words_per_point", 1, lexicon.rule.words_per_point, origin);
        read_number(*rule, "strong", 0, lexicon.rule.strong, origin);
        read_number(*rule, "weak", 0, lexicon.rule.weak, origin);
        read_number(*rule, "weak_repeat", 0, lexicon.rule.weak_repeat, origin);
        read_number(*rule, "product", 0, lexicon.rule.product, origin);
        double near = static_cast<double>(lexicon.rule.near_words);
        read_number(*rule, "near_words", 0, near, origin);
        lexicon.rule.near_words = static_cast<std::size_t>(near);
    }
    const toml::table* topics = table["topics"].as_table();
    if (topics == nullptr) malformed(origin, "no [topics] table");
    for (const auto& [key, node] : *topics) {
        Topic topic{std::string(key.str()), {}, {}, {}, {}};
        if (node.is_array()) {
            topic.phrases = phrase_list(node, origin, topic.name, "its value");
        } else if (const toml::table* parts = node.as_table()) {
            for (const auto& [part, value] : *parts) {
                if (part.str() == "phrases") {
                    topic.phrases = phrase_list(value, origin, topic.name, "phrases");
                } else if (part.str() == "strong") {
                    topic.strong = phrase_list(value, origin, topic.name, "strong");
                } else if (part.str() == "weak") {
                    topic.weak = phrase_list(value, origin, topic.name, "weak");
                } else if (part.str() == "exclude") {
                    topic.exclude = phrase_list(value, origin, topic.name, "exclude");
                } else {
                    malformed(origin, "topic '" + topic.name + "' has an unknown key '" +
                                          std::string(part.str()) +
                                          "' (known: phrases, strong, weak, exclude)");
                }
            }
        } else {
            malformed(origin, "topic '" + topic.name +
                                  "' must be an array of phrases or a table of phrases, strong, "
                                  "weak and exclude");
        }
        const auto listed = [&](const std::vector<std::string>& list) {
            return std::find(list.begin(), list.end(), topic.name) != list.end();
        };
        if (!listed(topic.phrases) && !listed(topic.strong) && !listed(topic.weak) &&
            !listed(topic.exclude)) {
            topic.phrases.insert(topic.phrases.begin(), topic.name);
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

/// One review's counts for one topic.
struct TopicTagger::Tally {
    int mentions = 0;
    double points = 0;
    bool in_title = false;
    std::map<std::size_t, int> weak_seen;  ///< weak phrase id -> mentions so far
    std::size_t next_free = 0;             ///< a match must start here or later (in this field)
    bool counted_in_field = false;         ///< a mention of this field was counted
    std::size_t blocked_until = 0;         ///< an exclude phrase covers words before this
};

TopicTagger::TopicTagger(const TopicLexicon& lexicon, const Analyzer& analyzer)
    : analyzer_(analyzer), rule_(lexicon.rule) {
    std::vector<Token> tokens;
    const auto compile = [&](const std::string& phrase, std::size_t topic, Kind kind) {
        Phrase compiled{{}, topic, kind, phrase_count_++};
        // Split on spaces first so a trailing '*' stays attached to its word. Stop words stay:
        // a phrase is matched word for word, never shortened.
        for (const std::string& raw : text::split(text::collapse_spaces(phrase), ' ')) {
            const bool prefix = !raw.empty() && raw.back() == '*';
            tokens.clear();
            analyzer_.tokenize(prefix ? raw.substr(0, raw.size() - 1) : raw, tokens, false,
                               StopWords::Mark);
            for (std::size_t k = 0; k < tokens.size(); ++k) {
                compiled.words.push_back(Word{tokens[k].term, prefix && k + 1 == tokens.size()});
            }
        }
        if (compiled.words.empty()) return;
        if (compiled.words.front().prefix) {
            prefix_first_.push_back(std::move(compiled));
        } else {
            by_first_[compiled.words.front().text].push_back(std::move(compiled));
        }
    };
    for (std::size_t t = 0; t < lexicon.topics.size(); ++t) {
        const TopicLexicon::Topic& topic = lexicon.topics[t];
        names_.push_back(topic.name);
        for (const std::string& p : topic.phrases) compile(p, t, Kind::Phrase);
        for (const std::string& p : topic.strong) compile(p, t, Kind::Strong);
        for (const std::string& p : topic.weak) compile(p, t, Kind::Weak);
        for (const std::string& p : topic.exclude) compile(p, t, Kind::Exclude);
    }
}

bool TopicTagger::matches(const Phrase& phrase, std::span<const Token> words,
                          std::size_t at) const {
    if (at + phrase.words.size() > words.size()) return false;
    for (std::size_t k = 0; k < phrase.words.size(); ++k) {
        const Word& w = phrase.words[k];
        const std::string& token = words[at + k].term;
        if (w.prefix ? !text::starts_with(token, w.text) : token != w.text) return false;
    }
    return true;
}

void TopicTagger::scan(std::span<const Token> words, int field, std::vector<Tally>& tallies) const {
    for (Tally& t : tallies) {
        t.next_free = t.blocked_until = 0;
        t.counted_in_field = false;
    }
    // The phrases that start at each word: excludes first (they block the words they cover for
    // their topic), then the longest phrase of each topic; matches of one topic never overlap.
    std::vector<const Phrase*> best(tallies.size(), nullptr);
    std::vector<std::size_t> touched;
    for (std::size_t at = 0; at < words.size(); ++at) {
        const auto consider = [&](const std::vector<Phrase>& phrases) {
            for (const Phrase& phrase : phrases) {
                if (!matches(phrase, words, at)) continue;
                Tally& tally = tallies[phrase.topic];
                if (phrase.kind == Kind::Exclude) {
                    tally.blocked_until = std::max(tally.blocked_until, at + phrase.words.size());
                    continue;
                }
                const Phrase*& b = best[phrase.topic];
                if (b == nullptr) touched.push_back(phrase.topic);
                // The longest phrase wins; of equal ones, the one worth most.
                if (b == nullptr || phrase.words.size() > b->words.size() ||
                    (phrase.words.size() == b->words.size() && phrase.kind < b->kind)) {
                    b = &phrase;
                }
            }
        };
        if (auto it = by_first_.find(words[at].term); it != by_first_.end()) consider(it->second);
        consider(prefix_first_);
        for (const std::size_t topic : touched) {
            const Phrase* phrase = best[topic];
            best[topic] = nullptr;
            Tally& tally = tallies[topic];
            if (at < tally.next_free || at < tally.blocked_until) continue;
            // A mention close after the last one is the same passage going on: half its worth.
            const bool near = tally.counted_in_field && at < tally.next_free + rule_.near_words;
            tally.counted_in_field = true;
            tally.next_free = at + phrase->words.size();
            ++tally.mentions;
            double worth = 1.0;
            if (phrase->kind != Kind::Weak) {
                if (field == kTitle) tally.in_title = true;
                if (phrase->kind == Kind::Strong) worth = rule_.strong;
            } else if (field != kTitle) {  // a weak phrase in the title counts one point
                worth = tally.weak_seen[phrase->id]++ == 0 ? rule_.weak : rule_.weak_repeat;
            }
            // The product's name says what the thing reviewed is about: a mention there, of
            // any kind, is worth `product` points.
            if (near) worth *= 0.5;
            tally.points += field == kProduct ? rule_.product : worth;
        }
        touched.clear();
    }
}

std::vector<TopicEvidence> TopicTagger::measure(std::span<const Token> title,
                                                std::span<const Token> body,
                                                std::span<const Token> product) const {
    std::vector<Tally> tallies(names_.size());
    scan(title, kTitle, tallies);
    scan(body, kBody, tallies);
    scan(product, kProduct, tallies);
    const std::size_t words = title.size() + body.size() + product.size();
    const double needed = rule_.needed(words);
    std::vector<TopicEvidence> found;
    for (std::size_t t = 0; t < tallies.size(); ++t) {
        const Tally& tally = tallies[t];
        if (tally.mentions == 0) continue;
        TopicEvidence e;
        e.topic = t;
        e.mentions = tally.mentions;
        e.points = tally.points;
        e.needed = needed;
        e.in_title = tally.in_title;
        // A small tolerance, so that sums of quarter points compare as written.
        e.tagged = tally.in_title || tally.points + 1e-9 >= needed;
        e.strength = 1000.0 * tally.mentions / static_cast<double>(std::max<std::size_t>(words, 1));
        found.push_back(e);
    }
    return found;
}

std::vector<TopicEvidence> TopicTagger::measure(const Review& review) const {
    std::vector<Token> title, body, product;
    analyzer_.tokenize(review.title, title, false, StopWords::Mark);
    analyzer_.tokenize(review.body, body, false, StopWords::Mark);
    analyzer_.tokenize(review.product, product, false, StopWords::Mark);
    return measure(title, body, product);
}

std::vector<std::string> TopicTagger::match(std::string_view input) const {
    std::vector<Token> tokens;
    analyzer_.tokenize(input, tokens, false, StopWords::Mark);
    std::vector<std::string> found;
    for (const TopicEvidence& e : measure({}, tokens)) {
        if (e.tagged) found.push_back(names_[e.topic]);
    }
    return found;
}

void TopicTagger::tag(Review& review, const std::vector<TopicEvidence>& evidence) const {
    for (const TopicEvidence& e : evidence) {
        if (e.tagged) review.add_topic(names_[e.topic]);
    }
}

std::vector<TopicEvidence> TopicTagger::tag(Review& review) const {
    std::vector<TopicEvidence> evidence = measure(review);
    tag(review, evidence);
    return evidence;
}

}  // namespace revsearch::corpus
