#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "common/review.hpp"
#include "corpus/topic_tagger.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::corpus;

namespace {

using Topics = std::vector<std::string>;

bool has_topic(const TopicLexicon& lexicon, const std::string& name) {
    return std::any_of(lexicon.topics.begin(), lexicon.topics.end(),
                       [&](const TopicLexicon::Topic& t) { return t.name == name; });
}

bool tags(const TopicTagger& tagger, const std::string& text, const std::string& topic) {
    const Topics found = tagger.match(text);
    return std::find(found.begin(), found.end(), topic) != found.end();
}

/// The review's topics after tagging (title, body, product).
Topics tagged(const TopicTagger& tagger, const std::string& title, const std::string& body,
              const std::string& product = "") {
    Review r;
    r.title = title;
    r.body = body;
    r.product = product;
    (void)tagger.tag(r);
    return r.topics;
}

bool contains(const Topics& topics, const std::string& topic) {
    return std::find(topics.begin(), topics.end(), topic) != topics.end();
}

AnalyzerSettings with_english_stopwords() {
    AnalyzerSettings s;
    s.stopwords_name = "english";
    s.stopwords = load_stopwords("english");
    return s;
}

/// `n` words of film talk that mention no topic.
std::string filler(std::size_t n) {
    static const char* const kWords[] = {"the",     "camera", "lingers", "on",        "a",
                                         "harbour", "while",  "an",      "orchestra", "swells",
                                         "and",     "actors", "trade",   "lines"};
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += kWords[i % std::size(kWords)];
        out += (i % 12 == 11) ? ". " : " ";
    }
    return out;
}

/// The evidence for `topic` in a body-only text, or nullptr.
const TopicEvidence* evidence_for(const TopicTagger& tagger, const std::vector<TopicEvidence>& all,
                                  const std::string& topic) {
    for (const TopicEvidence& e : all) {
        if (tagger.names()[e.topic] == topic) return &e;
    }
    return nullptr;
}

/// A one-topic lexicon over the default evidence rule.
TopicLexicon lexicon_of(const std::string& toml) {
    return TopicLexicon::parse(toml, "inline.toml");
}

}  // namespace

TEST_CASE("the built-in lexicon loads with the core topics and the documented rule", "[corpus]") {
    const TopicLexicon lexicon = TopicLexicon::builtin();
    CHECK(lexicon.origin == "default");
    CHECK(lexicon.rule.minimum == 2.0);
    CHECK(lexicon.rule.words_per_point == 500);
    for (const char* name : {"self-compassion", "mindfulness", "compassion fatigue", "burnout",
                             "self-esteem", "trauma", "anxiety", "depression", "sleep"}) {
        INFO(name);
        CHECK(has_topic(lexicon, name));
    }
    SECTION("no topic tags on a bare word with other senses") {
        // Issue 17: "parent", "sleep", "worry", "relationship" and "stress" alone tagged film
        // reviews by the thousand. None of them may be a phrase of its own.
        for (const auto& topic : lexicon.topics) {
            for (const char* bare :
                 {"parent", "parents", "sleep", "sleeping", "worry", "relationship",
                  "relationships", "stress", "burn", "marriage"}) {
                INFO(topic.name << ": " << bare);
                CHECK(std::find(topic.phrases.begin(), topic.phrases.end(), bare) ==
                      topic.phrases.end());
                CHECK(std::find(topic.strong.begin(), topic.strong.end(), bare) ==
                      topic.strong.end());
            }
        }
    }
}

TEST_CASE("the issue's examples are not tagged", "[corpus][regression]") {
    // Issue 17: both of these were tagged with the default lexicon.
    const Analyzer analyzer(with_english_stopwords());
    const TopicTagger tagger(TopicLexicon::builtin(), analyzer);
    SECTION("burning the toast is not burnout") {
        CHECK(tagged(tagger, "Toast", "I burn the toast every morning.").empty());
    }
    SECTION("parents who loved a movie are not parenting") {
        CHECK(tagged(tagger, "Film", "My parents loved this movie.").empty());
    }
    SECTION("While You Were Sleeping is not about sleep, in the title or the body") {
        CHECK_FALSE(contains(tagged(tagger, "While You Were Sleeping",
                                    "While You Were Sleeping is a sweet comedy; Sandra Bullock "
                                    "sleeps through nothing, and you will not sleep through it."),
                             "sleep"));
    }
    SECTION("a moral compass is not compassion fatigue nor self-compassion") {
        const Topics t = tagged(tagger, "Reading the Compass",
                                "It is often hard to be clear which way the moral compass points. "
                                "Her compass never fails her.");
        CHECK(t.empty());
    }
    SECTION("a figure of speech is not a topic: the Great Depression, a cure for insomnia") {
        CHECK(tagged(tagger, "",
                     "A Great Depression story. The Great Depression hurt everyone, "
                     "and the great depression years show.")
                  .empty());
        CHECK(
            tagged(tagger, "Perfect cure for insomnia", "A cure for insomnia, this film.").empty());
    }
}

TEST_CASE("one incidental mention does not tag a review; enough evidence does", "[corpus]") {
    const Analyzer analyzer(with_english_stopwords());
    const TopicTagger tagger(TopicLexicon::builtin(), analyzer);
    SECTION("one mention of a phrase in a short review is not enough") {
        CHECK_FALSE(tags(tagger, "The hero has low self-esteem and a fast car.", "self-esteem"));
    }
    SECTION("two mentions of a topic, apart, tag a short review") {
        CHECK(tags(
            tagger,
            "She lost her self-esteem at work. " + filler(30) + " Slowly her self-worth returned.",
            "self-esteem"));
    }
    SECTION("the same two mentions side by side are one passage and do not") {
        CHECK_FALSE(tags(tagger, "low self-esteem and self-worth. " + filler(60), "self-esteem"));
    }
    SECTION("one mention of a term of art tags a short review, but not a long one") {
        CHECK(tags(tagger, filler(200) + " She describes compassion fatigue in nurses.",
                   "compassion fatigue"));
        CHECK_FALSE(tags(tagger, filler(1500) + " She describes compassion fatigue in nurses.",
                         "compassion fatigue"));
    }
    SECTION("a long review needs more mentions than a short one") {
        const std::string mention = " It is a book about grief. ";
        std::string body = filler(1000) + mention + filler(100) + mention;
        CHECK_FALSE(tags(tagger, body, "grief"));  // 1,112 words need 2.2 points
        body += filler(100) + mention;
        CHECK(tags(tagger, body, "grief"));
    }
    SECTION("a repeated weak word is not enough, however often it comes") {
        std::string body;
        for (int i = 0; i < 5; ++i) body += "It removed some stress. " + filler(30);
        CHECK_FALSE(tags(tagger, body, "stress"));  // 0.5 + 4 x 0.25 = 1.5 points
    }
    SECTION("distinct weak words and a phrase together are") {
        CHECK(tags(tagger,
                   "Chronic stress ruins sleep. " + filler(30) + " I was stressed, " + filler(30) +
                       " and every day was stressful.",
                   "stress"));
    }
    SECTION("a phrase in the review's title tags outright") {
        CHECK(contains(tagged(tagger, "A fine book on grief", "I liked it."), "grief"));
        CHECK_FALSE(
            contains(tagged(tagger, "Stress free", "I liked it."), "stress"));  // a weak word
    }
    SECTION("the product's name counts for two mentions") {
        CHECK(contains(tagged(tagger, "Worth it", "Clear and kind.", "Raising Kids Who Read"),
                       "parenting"));
        CHECK_FALSE(
            contains(tagged(tagger, "Worth it", "Clear and kind.", "A Cookbook"), "parenting"));
    }
}

TEST_CASE("phrases match their words in order, stop words included, never shortened", "[corpus]") {
    // Issue 17: the tagger read the analyzer's words without stop words, so "burn-out" became
    // "burn" and "kind to yourself" became "kind".
    const Analyzer analyzer(with_english_stopwords());
    REQUIRE(analyzer.is_stopword("out"));
    REQUIRE(analyzer.is_stopword("to"));
    const TopicLexicon lexicon = lexicon_of(R"(
[evidence]
minimum = 1
[topics.burnout]
phrases = ["burned out", "burn-out"]
[topics."self-compassion"]
phrases = ["kind to yourself"]
)");
    const TopicTagger tagger(lexicon, analyzer);
    SECTION("the whole phrase matches") {
        CHECK(tags(tagger, "By June she was burned out.", "burnout"));
        CHECK(tags(tagger, "A burn-out of carers.", "burnout"));
        CHECK(tags(tagger, "Learn to be kind to yourself.", "self-compassion"));
    }
    SECTION("the phrase's content words without its stop words do not") {
        CHECK_FALSE(tags(tagger, "I burn the toast.", "burnout"));
        CHECK_FALSE(tags(tagger, "He burned the toast, then went out.", "burnout"));
        CHECK_FALSE(tags(tagger, "She is kind, and yourself?", "self-compassion"));
        CHECK_FALSE(tags(tagger, "A kind of yourself.", "self-compassion"));
    }
    SECTION("a stop word inside the text breaks a phrase that lacks it") {
        const TopicTagger two(
            lexicon_of("[evidence]\nminimum = 1\n[topics]\n\"state of mind\" = []\n"), analyzer);
        CHECK(tags(two, "A state of mind.", "state of mind"));
        CHECK_FALSE(tags(two, "A state in mind.", "state of mind"));
    }
    SECTION("the analyzer with no stop words matches the same") {
        const Analyzer plain;
        const TopicTagger same(lexicon, plain);
        CHECK(tags(same, "By June she was burned out.", "burnout"));
        CHECK_FALSE(tags(same, "I burn the toast.", "burnout"));
    }
}

TEST_CASE("topics are matched on words, case-folded and whatever the hyphenation", "[corpus]") {
    const Analyzer analyzer;
    const TopicTagger tagger(TopicLexicon::builtin(), analyzer);
    SECTION("self-compassion is found hyphenated, spaced and capitalised") {
        CHECK(tags(tagger, "A book about self-compassion.", "self-compassion"));
        CHECK(tags(tagger, "A book about self compassion.", "self-compassion"));
        CHECK(tags(tagger, "Self-Compassion: A Guide", "self-compassion"));
        CHECK(tags(tagger, "SELF\xC2\xA0\x43OMPASSION for carers", "self-compassion"));
    }
    SECTION("a multi-word topic is found across a line break") {
        CHECK(tags(tagger, "nurses with compassion\nfatigue", "compassion fatigue"));
    }
    SECTION("text without any lexicon phrase gets no topics") {
        CHECK(tagger.match("A cookbook of quick weeknight dinners.").empty());
        CHECK(tagger.match("").empty());
    }
    SECTION("words that only share a start with a phrase do not match it") {
        CHECK_FALSE(tags(tagger, "She is selfless and compassionate.", "self-compassion"));
    }
    SECTION("a phrase never spans the title and the body") {
        const TopicLexicon lexicon =
            lexicon_of("[evidence]\nminimum = 1\n[topics]\n\"compassion fatigue\" = []\n");
        const TopicTagger one(lexicon, analyzer);
        CHECK(tagged(one, "Notes on compassion", "fatigue and rest").empty());
    }
}

TEST_CASE("phrases are not stemmed, so a stem alone does not match a topic", "[corpus]") {
    const Analyzer analyzer;  // english stemming for the index, but not for topics
    const TopicTagger tagger(TopicLexicon::builtin(), analyzer);
    SECTION("\"mind\" alone does not tag mindfulness although both stem to \"mind\"") {
        REQUIRE(analyzer.term("mindfulness") == analyzer.term("mind"));
        CHECK_FALSE(tags(tagger, "Keep your mind on the road and your minds open.", "mindfulness"));
    }
    SECTION("the lexicon's own forms still match") {
        CHECK(tags(tagger, "A course in mindfulness.", "mindfulness"));
    }
    SECTION("an inflection the lexicon does not list does not match") {
        CHECK_FALSE(tags(tagger, "She griefs. " + filler(30) + " She griefs.", "grief"));
    }
}

TEST_CASE("a trailing star in a phrase matches any word it begins", "[corpus]") {
    const Analyzer analyzer;
    const TopicTagger tagger(lexicon_of("[evidence]\nminimum = 1\n[topics]\n\"trauma\" = "
                                        "[\"traumati*\"]\n\"anxiety\" = [\"panic attack*\"]\n"),
                             analyzer);
    SECTION("traumati* matches traumatized and traumatic") {
        CHECK(tags(tagger, "She was traumatized as a child.", "trauma"));
        CHECK(tags(tagger, "A Traumatic event.", "trauma"));
    }
    SECTION("traumati* does not match a word that does not begin with it") {
        CHECK_FALSE(tags(tagger, "A history of traumatology.", "trauma"));
    }
    SECTION("a star on the last word of a phrase needs the words before it") {
        CHECK(tags(tagger, "She had panic attacks at night.", "anxiety"));
        CHECK_FALSE(tags(tagger, "She had heart attacks.", "anxiety"));
    }
}

TEST_CASE("an exclude phrase keeps its words from counting for its topic only", "[corpus]") {
    const Analyzer analyzer;
    const TopicTagger tagger(lexicon_of(R"(
[evidence]
minimum = 1
[topics.depression]
phrases = ["depression"]
exclude = ["great depression", "depression era"]
[topics.history]
phrases = ["great depression"]
)"),
                             analyzer);
    CHECK(tagger.match("the Great Depression") == Topics{"history"});
    CHECK(tagger.match("a depression era drama").empty());
    CHECK(tagger.match("her depression lifted") == Topics{"depression"});
    CHECK(tagger.match("the great depression, and later her depression") ==
          Topics{"depression", "history"});
}

TEST_CASE("the evidence of a review is measured exactly", "[corpus]") {
    const Analyzer analyzer(with_english_stopwords());
    const TopicTagger tagger(lexicon_of(R"(
[topics.grief]
phrases = ["grief", "bereavement"]
strong = ["grief counseling"]
weak = ["mourn"]
)"),
                             analyzer);
    SECTION("strength is mentions per 1,000 words, stop words counted") {
        // 20 words, two mentions far enough apart (the filler has no topic words).
        const std::string body = "grief " + filler(18) + " bereavement";
        std::vector<Token> words;
        analyzer.tokenize(body, words, false, StopWords::Mark);
        REQUIRE(words.size() == 20);
        const auto all = tagger.measure({}, words);
        const TopicEvidence* e = evidence_for(tagger, all, "grief");
        REQUIRE(e != nullptr);
        CHECK(e->mentions == 2);
        CHECK(e->strength == Approx(100.0));
        CHECK(e->points == Approx(1.5));  // the second is within 20 words: half
        CHECK(e->needed == Approx(2.0));
        CHECK_FALSE(e->tagged);
    }
    SECTION("a strong phrase is worth two points and the longest phrase wins") {
        std::vector<Token> words;
        analyzer.tokenize("She needed grief counseling.", words, false, StopWords::Mark);
        const auto all = tagger.measure({}, words);
        REQUIRE(all.size() == 1);
        CHECK(all[0].mentions == 1);
        CHECK(all[0].points == Approx(2.0));
        CHECK(all[0].tagged);
    }
    SECTION("a weak phrase is worth half a point, then a quarter for each repeat") {
        std::string body = "mourn " + filler(40) + " mourn " + filler(40) + " mourn";
        std::vector<Token> words;
        analyzer.tokenize(body, words, false, StopWords::Mark);
        const auto all = tagger.measure({}, words);
        REQUIRE(all.size() == 1);
        CHECK(all[0].points == Approx(1.0));
        CHECK(all[0].mentions == 3);
    }
    SECTION("a topic with no mention has no evidence") {
        CHECK(tagger.match("A cookbook.").empty());
        std::vector<Token> words;
        analyzer.tokenize("A cookbook.", words, false, StopWords::Mark);
        CHECK(tagger.measure({}, words).empty());
    }
}

TEST_CASE("topics come out in the lexicon's order", "[corpus]") {
    const TopicLexicon lexicon = TopicLexicon::builtin();
    const Analyzer analyzer;
    const TopicTagger tagger(lexicon, analyzer);
    const Topics found =
        tagger.match("grief counseling, compassion fatigue, PTSD and PTSD, and mindfulness");
    REQUIRE(found.size() >= 2);
    std::vector<std::size_t> positions;
    for (const auto& name : found) {
        const auto it = std::find_if(lexicon.topics.begin(), lexicon.topics.end(),
                                     [&](const TopicLexicon::Topic& t) { return t.name == name; });
        REQUIRE(it != lexicon.topics.end());
        positions.push_back(static_cast<std::size_t>(it - lexicon.topics.begin()));
    }
    CHECK(std::is_sorted(positions.begin(), positions.end()));
}

TEST_CASE("a custom lexicon is parsed from TOML with its evidence rule", "[corpus]") {
    const Analyzer analyzer;

    SECTION("min_mentions, from lexicons written before the rule, sets the minimum") {
        const TopicLexicon lexicon = TopicLexicon::parse(R"(
min_mentions = 2
[topics]
"loneliness" = ["lonely", "isolation"]
)",
                                                         "inline.toml");
        CHECK(lexicon.rule.minimum == 2.0);
        CHECK(lexicon.origin == "inline.toml");
        const TopicTagger tagger(lexicon, analyzer);
        CHECK(tagger.match("I felt lonely.").empty());
        CHECK(tagger.match("Lonely, " + filler(30) + " then lonely again.") ==
              Topics{"loneliness"});
        CHECK(tagger.match("Loneliness, " + filler(30) + " lonely.") ==
              Topics{"loneliness"});  // the name counts
    }
    SECTION("an [evidence] table sets every number of the rule") {
        const TopicLexicon lexicon = TopicLexicon::parse(R"(
[evidence]
minimum = 1.5
words_per_point = 300
strong = 3
weak = 0.4
weak_repeat = 0.1
product = 1
near_words = 5
[topics]
hope = ["hopeful"]
)",
                                                         "x");
        CHECK(lexicon.rule.minimum == 1.5);
        CHECK(lexicon.rule.words_per_point == 300);
        CHECK(lexicon.rule.strong == 3);
        CHECK(lexicon.rule.weak == 0.4);
        CHECK(lexicon.rule.weak_repeat == 0.1);
        CHECK(lexicon.rule.product == 1);
        CHECK(lexicon.rule.near_words == 5);
        CHECK(lexicon.rule.needed(300) == 1.5);
        CHECK(lexicon.rule.needed(600) == 2.0);
    }
    SECTION("a topic table lists phrases, strong, weak and exclude phrases") {
        const TopicLexicon lexicon = TopicLexicon::parse(R"(
[topics.sleep]
phrases = ["insomnia"]
strong = ["sleep apnea"]
weak = ["sleep"]
exclude = ["sleep with"]
)",
                                                         "x");
        REQUIRE(lexicon.topics.size() == 1);
        const auto& t = lexicon.topics[0];
        CHECK(t.phrases == std::vector<std::string>{"insomnia"});  // the name is listed as weak
        CHECK(t.strong == std::vector<std::string>{"sleep apnea"});
        CHECK(t.weak == std::vector<std::string>{"sleep"});
        CHECK(t.exclude == std::vector<std::string>{"sleep with"});
    }
    SECTION("a topic with no phrases is found by its own name") {
        const TopicLexicon lexicon = TopicLexicon::parse(
            "[evidence]\nminimum = 1\n[topics]\n\"sibling rivalry\" = []\n", "x");
        REQUIRE(lexicon.topics.size() == 1);
        CHECK(lexicon.topics[0].phrases == std::vector<std::string>{"sibling rivalry"});
        const TopicTagger tagger(lexicon, analyzer);
        CHECK(tagger.match("Sibling  Rivalry explained") == Topics{"sibling rivalry"});
    }
    SECTION("a lexicon file is loaded and names itself as the origin") {
        const std::string path = (test::fixtures_dir() / "unit" / "topics.toml").string();
        const TopicLexicon lexicon = TopicLexicon::load(path);
        CHECK(lexicon.origin == path);
        CHECK(lexicon.rule.minimum == 2.0);
        CHECK(has_topic(lexicon, "gardening"));
        CHECK(has_topic(lexicon, "loneliness"));
        const TopicTagger tagger(lexicon, analyzer);
        CHECK(tagger.match("The gardeners met in the garden. " + filler(30) + " A raised bed.") ==
              Topics{"gardening"});
        CHECK(tagger.match("One garden.").empty());
    }
}

TEST_CASE("a malformed lexicon throws UsageError naming where it came from", "[corpus]") {
    SECTION("TOML that does not parse is refused with its origin and line") {
        CHECK_THROWS_AS(TopicLexicon::parse("[topics\n\"a\" = [\"b\"]\n", "broken.toml"),
                        UsageError);
        CHECK_THROWS_WITH(TopicLexicon::parse("min_mentions = 1\n[topics\n", "broken.toml"),
                          Catch::Contains("broken.toml:2"));
    }
    SECTION("a lexicon without a [topics] table is refused") {
        CHECK_THROWS_WITH(TopicLexicon::parse("min_mentions = 1\n", "no-topics.toml"),
                          Catch::Contains("no-topics.toml") && Catch::Contains("[topics]"));
    }
    SECTION("a topic that is neither an array nor a table is refused") {
        CHECK_THROWS_WITH(TopicLexicon::parse("[topics]\ngrief = \"loss\"\n", "scalar.toml"),
                          Catch::Contains("scalar.toml") && Catch::Contains("grief"));
    }
    SECTION("a phrase that is not a string is refused") {
        CHECK_THROWS_WITH(TopicLexicon::parse("[topics]\ngrief = [\"loss\", 3]\n", "num.toml"),
                          Catch::Contains("num.toml") && Catch::Contains("grief"));
    }
    SECTION("an unknown key in a topic table or in [evidence] is refused, not ignored") {
        CHECK_THROWS_WITH(TopicLexicon::parse("[topics.grief]\nphrase = [\"loss\"]\n", "typo.toml"),
                          Catch::Contains("typo.toml") && Catch::Contains("phrase"));
        CHECK_THROWS_WITH(
            TopicLexicon::parse("[evidence]\nminimun = 2\n[topics]\ngrief = []\n", "typo.toml"),
            Catch::Contains("minimun"));
    }
    SECTION("a rule number out of range is refused") {
        CHECK_THROWS_WITH(
            TopicLexicon::parse("[evidence]\nminimum = 0\n[topics]\ngrief = []\n", "zero.toml"),
            Catch::Contains("minimum"));
        CHECK_THROWS_WITH(
            TopicLexicon::parse("[evidence]\nweak = -1\n[topics]\ngrief = []\n", "neg.toml"),
            Catch::Contains("weak"));
        CHECK_THROWS_AS(
            TopicLexicon::parse("[evidence]\nweak = \"half\"\n[topics]\ngrief = []\n", "s.toml"),
            UsageError);
    }
    SECTION("a lexicon file that does not exist is refused naming the file") {
        CHECK_THROWS_AS(TopicLexicon::load("/nonexistent/topics.toml"), UsageError);
        CHECK_THROWS_WITH(TopicLexicon::load("/nonexistent/topics.toml"),
                          Catch::Contains("/nonexistent/topics.toml"));
    }
    SECTION("a malformed file is refused naming the file") {
        test::TempDir dir;
        const std::string path = dir.write("bad.toml", "[topics]\ngrief = [\"unclosed\n");
        CHECK_THROWS_AS(TopicLexicon::load(path), UsageError);
        CHECK_THROWS_WITH(TopicLexicon::load(path), Catch::Contains(path));
    }
}

TEST_CASE("tagging a review keeps its topics and adds new ones once", "[corpus]") {
    const Analyzer analyzer;
    const TopicTagger tagger(TopicLexicon::builtin(), analyzer);
    Review review;
    review.title = "Burnout and Self-Compassion";
    review.body = "A book on burnout for nurses, with notes on mindfulness.";

    SECTION("topics the review already has stay first and are not duplicated") {
        review.topics = {"Parenting", "BURNOUT"};
        tagger.tag(review);
        REQUIRE(review.topics.size() == 4);
        CHECK(review.topics[0] == "Parenting");
        CHECK(review.topics[1] == "BURNOUT");
        CHECK(contains(review.topics, "self-compassion"));
        CHECK(contains(review.topics, "mindfulness"));
    }
    SECTION("tagging twice changes nothing the second time") {
        tagger.tag(review);
        const Topics once = review.topics;
        tagger.tag(review);
        CHECK(review.topics == once);
        CHECK(std::count(once.begin(), once.end(), "burnout") == 1);
    }
    SECTION("tag() returns the evidence it tagged by") {
        Review r = review;
        const std::vector<TopicEvidence> evidence = tagger.tag(r);
        for (const TopicEvidence& e : evidence) {
            INFO(tagger.names()[e.topic]);
            CHECK(e.tagged == contains(r.topics, tagger.names()[e.topic]));
        }
    }
}
