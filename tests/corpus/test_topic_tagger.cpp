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

AnalyzerSettings with_english_stopwords() {
    AnalyzerSettings s;
    s.stopwords_name = "english";
    s.stopwords = load_stopwords("english");
    return s;
}

}  // namespace

TEST_CASE("the built-in lexicon loads with the core topics", "[corpus]") {
    const TopicLexicon lexicon = TopicLexicon::builtin();
    CHECK(lexicon.origin == "default");
    CHECK(lexicon.min_mentions == 1);
    for (const char* name : {"self-compassion", "mindfulness", "compassion fatigue", "burnout",
                             "self-esteem", "trauma", "anxiety", "depression"}) {
        INFO(name);
        CHECK(has_topic(lexicon, name));
    }
    SECTION("every topic lists its own name among its phrases") {
        for (const auto& topic : lexicon.topics) {
            INFO(topic.name);
            CHECK(std::find(topic.phrases.begin(), topic.phrases.end(), topic.name) !=
                  topic.phrases.end());
        }
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
        CHECK_FALSE(tags(tagger, "He burned the toast, then went out.", "burnout"));
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
        CHECK(tags(tagger, "Be mindful.", "mindfulness"));
    }
    SECTION("an inflection the lexicon does not list does not match") {
        CHECK_FALSE(tags(tagger, "She griefs.", "grief"));
        CHECK_FALSE(tags(tagger, "He was anxiously waiting.", "anxiety"));
    }
}

TEST_CASE("a trailing star in a phrase matches any word it begins", "[corpus]") {
    const Analyzer analyzer;
    const TopicTagger tagger(TopicLexicon::builtin(), analyzer);
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

TEST_CASE("topics come out in the lexicon's order", "[corpus]") {
    const TopicLexicon lexicon = TopicLexicon::builtin();
    const Analyzer analyzer;
    const TopicTagger tagger(lexicon, analyzer);
    const Topics found = tagger.match("sleep, grief, burnout, trauma, anxiety and mindfulness");
    REQUIRE(found.size() == 6);
    std::vector<std::size_t> positions;
    for (const auto& name : found) {
        const auto it = std::find_if(lexicon.topics.begin(), lexicon.topics.end(),
                                     [&](const TopicLexicon::Topic& t) { return t.name == name; });
        REQUIRE(it != lexicon.topics.end());
        positions.push_back(static_cast<std::size_t>(it - lexicon.topics.begin()));
    }
    CHECK(std::is_sorted(positions.begin(), positions.end()));
}

TEST_CASE("a custom lexicon is parsed from TOML and its min_mentions is respected", "[corpus]") {
    const Analyzer analyzer;

    SECTION("a topic needs min_mentions phrase occurrences, counted over all its phrases") {
        const TopicLexicon lexicon = TopicLexicon::parse(R"(
min_mentions = 2
[topics]
"loneliness" = ["lonely", "isolation"]
)",
                                                         "inline.toml");
        CHECK(lexicon.min_mentions == 2);
        CHECK(lexicon.origin == "inline.toml");
        const TopicTagger tagger(lexicon, analyzer);
        CHECK(tagger.match("I felt lonely.").empty());
        CHECK(tagger.match("Lonely, then lonely again.") == Topics{"loneliness"});
        CHECK(tagger.match("Lonely in isolation.") == Topics{"loneliness"});
        CHECK(tagger.match("Loneliness, lonely.") == Topics{"loneliness"});  // the name counts
    }
    SECTION("min_mentions below one counts as one") {
        const TopicLexicon lexicon =
            TopicLexicon::parse("min_mentions = 0\n[topics]\n\"grief\" = []\n", "zero.toml");
        CHECK(lexicon.min_mentions == 1);
        const TopicTagger tagger(lexicon, analyzer);
        CHECK(tagger.match("grief") == Topics{"grief"});
    }
    SECTION("without min_mentions one mention is enough") {
        const TopicLexicon lexicon = TopicLexicon::parse("[topics]\nhope = [\"hopeful\"]\n", "x");
        CHECK(lexicon.min_mentions == 1);
        const TopicTagger tagger(lexicon, analyzer);
        CHECK(tagger.match("A hopeful book.") == Topics{"hope"});
    }
    SECTION("a topic with no phrases is found by its own name") {
        const TopicLexicon lexicon =
            TopicLexicon::parse("[topics]\n\"sibling rivalry\" = []\n", "x");
        REQUIRE(lexicon.topics.size() == 1);
        CHECK(lexicon.topics[0].phrases == std::vector<std::string>{"sibling rivalry"});
        const TopicTagger tagger(lexicon, analyzer);
        CHECK(tagger.match("Sibling  Rivalry explained") == Topics{"sibling rivalry"});
    }
    SECTION("a lexicon file is loaded and names itself as the origin") {
        const std::string path = (test::fixtures_dir() / "unit" / "topics.toml").string();
        const TopicLexicon lexicon = TopicLexicon::load(path);
        CHECK(lexicon.origin == path);
        CHECK(lexicon.min_mentions == 2);
        CHECK(has_topic(lexicon, "gardening"));
        CHECK(has_topic(lexicon, "loneliness"));
        const TopicTagger tagger(lexicon, analyzer);
        CHECK(tagger.match("The gardeners met in the garden.") == Topics{"gardening"});
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
    SECTION("a topic that is not an array of phrases is refused") {
        CHECK_THROWS_AS(TopicLexicon::parse("[topics]\ngrief = \"loss\"\n", "scalar.toml"),
                        UsageError);
        CHECK_THROWS_WITH(TopicLexicon::parse("[topics]\ngrief = \"loss\"\n", "scalar.toml"),
                          Catch::Contains("scalar.toml") && Catch::Contains("grief"));
    }
    SECTION("a phrase that is not a string is refused") {
        CHECK_THROWS_WITH(TopicLexicon::parse("[topics]\ngrief = [\"loss\", 3]\n", "num.toml"),
                          Catch::Contains("num.toml") && Catch::Contains("grief"));
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
        Topics expected = review.topics;
        for (const auto& t : tagger.match(review.title + "\n" + review.body)) {
            if (t != "burnout") expected.push_back(t);
        }
        REQUIRE(expected.size() == 4);  // self-compassion and mindfulness are new
        tagger.tag(review);
        CHECK(review.topics == expected);
    }
    SECTION("tagging twice changes nothing the second time") {
        tagger.tag(review);
        const Topics once = review.topics;
        tagger.tag(review);
        CHECK(review.topics == once);
        CHECK(std::count(once.begin(), once.end(), "burnout") == 1);
    }
    SECTION("both the title and the body are searched") {
        Review title_only;
        title_only.title = "On Grief";
        tagger.tag(title_only);
        CHECK(title_only.topics == Topics{"grief"});
        Review body_only;
        body_only.body = "Quiet notes on insomnia.";
        tagger.tag(body_only);
        CHECK(body_only.topics == Topics{"sleep"});
    }
}

TEST_CASE("phrases with stop words match when the analyzer drops stop words", "[corpus]") {
    const Analyzer analyzer(with_english_stopwords());
    const TopicTagger tagger(TopicLexicon::builtin(), analyzer);
    CHECK(tags(tagger, "Learn to be kind to yourself.", "self-compassion"));
    CHECK(tags(tagger, "Living in the present moment.", "mindfulness"));
    CHECK(tags(tagger, "self-compassion", "self-compassion"));
}
