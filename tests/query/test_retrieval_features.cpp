// Retrieval features of the searcher (weighting schemes, field weights, facets, explain,
// feedback, more-like-this, spelling, synonyms, determinism), run in-process against a real
// on-disk database that IndexJob builds from tests/fixtures/retrieval/reviews.jsonl.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "indexer/index_job.hpp"
#include "query/searcher.hpp"
#include "query/synonyms.hpp"
#include "query/weighting.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::query;
using revsearch::test::TempDir;

namespace {

std::string corpus_file() { return (revsearch::test::fixtures_dir() / "retrieval" / "reviews.jsonl").string(); }

/// An on-disk index of the retrieval fixture, built by the real IndexJob with spelling data.
struct Indexed {
    TempDir dir;
    std::string path = dir.file("db");
    Indexed() {
        indexer::IndexOptions o;
        o.db_path = path;
        o.inputs = {corpus_file()};
        o.progress = indexer::ProgressMode::None;
        o.spelling = true;
        std::ostringstream log;
        indexer::IndexJob job(o, log);
        const indexer::IndexSummary s = job.run();
        INFO(log.str());
        REQUIRE(s.rejected == 0);
        REQUIRE(s.doc_count == 30);
    }
};

SearchRequest request(const std::string& query, std::size_t k = 100) {
    SearchRequest r;
    r.query = query;
    r.k = k;
    return r;
}

std::vector<std::string> ids_of(const SearchResult& result) {
    std::vector<std::string> ids;
    for (const Hit& h : result.hits) ids.push_back(h.review.id);
    return ids;
}

std::size_t position_of(const SearchResult& result, const std::string& id) {
    for (std::size_t i = 0; i < result.hits.size(); ++i) {
        if (result.hits[i].review.id == id) return i;
    }
    return result.hits.size();
}

bool scores_non_increasing(const SearchResult& result) {
    for (std::size_t i = 1; i < result.hits.size(); ++i) {
        if (result.hits[i].score > result.hits[i - 1].score) return false;
    }
    return true;
}

/// How many documents match `query`, counted hit by hit.
std::size_t direct_count(Searcher& searcher, const std::string& query) {
    SearchRequest r = request(query, 1000);
    r.snippets = false;
    r.suggest = false;
    return searcher.search(r).hits.size();
}

bool has_topic(const Review& r, const std::string& topic) {
    for (const std::string& t : r.topics) {
        std::string lower;
        for (char c : t) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == topic) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("every weighting scheme runs and ranks the matching reviews", "[query]") {
    Indexed f;
    Searcher searcher(f.path);
    const std::set<std::string> teapot_reviews{"teapot-cast", "teapot-clay"};

    for (const std::string scheme : {"bm25", "bm25+", "lm", "pl2", "dph", "tfidf", "bm25std"}) {
        DYNAMIC_SECTION("with " << scheme << ", the teapot reviews are found, ranked by score") {
            SearchRequest r = request("teapot");
            r.weighting = WeightingSpec::parse(scheme);
            CHECK(r.weighting.scheme == scheme);
            const SearchResult result = searcher.search(r);
            const auto ids = ids_of(result);
            CHECK(std::set<std::string>(ids.begin(), ids.end()) == teapot_reviews);
            CHECK(scores_non_increasing(result));
            for (const Hit& h : result.hits) CHECK(h.score > 0);
            // The two reviews differ in how often they say teapot and in length: a ranking
            // function tells them apart.
            REQUIRE(result.hits.size() == 2);
            CHECK(result.hits[0].score > result.hits[1].score);
        }
    }
    SECTION("with bm25 the review that says teapot four times ranks above the one that says it twice") {
        const SearchResult result = searcher.search(request("teapot"));
        REQUIRE(result.hits.size() == 2);
        CHECK(result.hits[0].review.id == "teapot-cast");
        CHECK(result.hits[0].score > result.hits[1].score);
    }
}

TEST_CASE("weighting specifications are parsed and bad ones are refused", "[query]") {
    SECTION("parameters are read into the spec and described back") {
        const WeightingSpec w = WeightingSpec::parse("bm25:k1=1.2,b=0.75");
        CHECK(w.scheme == "bm25");
        CHECK(w.param("k1", 0) == Approx(1.2));
        CHECK(w.param("b", 0) == Approx(0.75));
        CHECK(w.describe() == "bm25:b=0.75,k1=1.2");
    }
    SECTION("text parameters of tfidf and lm are kept") {
        CHECK(WeightingSpec::parse("tfidf:ntn").text_param == "ntn");
        CHECK(WeightingSpec::parse("lm:smoothing=dirichlet,mu=1000").text_param == "dirichlet");
    }
    SECTION("an unknown scheme, parameter or value is a usage error") {
        CHECK_THROWS_AS(WeightingSpec::parse("bm26"), UsageError);
        CHECK_THROWS_AS(WeightingSpec::parse(""), UsageError);
        CHECK_THROWS_AS(WeightingSpec::parse("bm25:k9=1"), UsageError);
        CHECK_THROWS_AS(WeightingSpec::parse("bm25:k1=abc"), UsageError);
        CHECK_THROWS_AS(WeightingSpec::parse("bm25:k1=-1"), UsageError);
        CHECK_THROWS_AS(WeightingSpec::parse("bm25:k1="), UsageError);
        CHECK_THROWS_AS(WeightingSpec::parse("pl2:k1=1"), UsageError);
        CHECK_THROWS_AS(WeightingSpec::parse("dph:c=1"), UsageError);
        CHECK_THROWS_AS(WeightingSpec::parse("tfidf:ntnx"), UsageError);
        CHECK_THROWS_AS(WeightingSpec::parse("lm:smoothing=magic"), UsageError);
    }
}

TEST_CASE("BM25 parameters given in the weighting spec change the scores", "[query]") {
    Indexed f;
    Searcher searcher(f.path);
    SearchRequest plain = request("kettle whistle");
    SearchRequest tuned = plain;
    tuned.weighting = WeightingSpec::parse("bm25:k1=2,b=1");
    const SearchResult a = searcher.search(plain);
    const SearchResult b = searcher.search(tuned);
    REQUIRE_FALSE(a.hits.empty());
    REQUIRE(a.hits.size() == b.hits.size());

    SECTION("the same reviews match but at least one score differs") {
        auto sorted = [](std::vector<std::string> v) {
            std::sort(v.begin(), v.end());
            return v;
        };
        CHECK(sorted(ids_of(a)) == sorted(ids_of(b)));
        std::map<std::string, double> before;
        for (const Hit& h : a.hits) before[h.review.id] = h.score;
        bool differs = false;
        for (const Hit& h : b.hits) differs = differs || std::abs(before[h.review.id] - h.score) > 1e-6;
        CHECK(differs);
    }
}

TEST_CASE("field weights move title matches and keep boolean matching", "[query]") {
    Indexed f;
    Searcher searcher(f.path);

    SECTION("title=3 lifts the title-only match above the body-only match that led unweighted") {
        const SearchResult unweighted = searcher.search(request("lantern"));
        REQUIRE(unweighted.hits.size() == 2);
        CHECK(ids_of(unweighted) == std::vector<std::string>{"lantern-body", "lantern-title"});

        SearchRequest r = request("lantern");
        r.field_weights = parse_field_weights("title=3");
        const SearchResult weighted = searcher.search(r);
        CHECK(ids_of(weighted) == std::vector<std::string>{"lantern-title", "lantern-body"});
    }
    SECTION("a AND b matches a review with a in the title and b in the body") {
        SearchRequest r = request("lantern AND candle");
        r.field_weights = parse_field_weights("title=3,body=1");
        const SearchResult result = searcher.search(r);
        CHECK(ids_of(result) == std::vector<std::string>{"lantern-title"});
        REQUIRE(result.hits.size() == 1);
        CHECK(result.hits[0].score > 0);
    }
    SECTION("an unknown field or a negative weight is a usage error") {
        CHECK_THROWS_AS(parse_field_weights("topic=2"), UsageError);
        CHECK_THROWS_AS(parse_field_weights("title=-1"), UsageError);
        CHECK_THROWS_AS(parse_field_weights("title"), UsageError);
    }
}

TEST_CASE("facet counts cover the whole match, not just the results shown", "[query]") {
    Indexed f;
    Searcher searcher(f.path);
    const std::string query = "tea";
    const std::size_t matches = direct_count(searcher, query);
    REQUIRE(matches > 5);

    SearchRequest r = request(query, 3);
    r.facets = {"topic", "reviewer", "category", "year", "rating"};
    const SearchResult result = searcher.search(r);
    REQUIRE(result.hits.size() == 3);
    REQUIRE(result.facets.size() == 5);

    auto facet = [&](const std::string& name) -> const Facet& {
        for (const Facet& fc : result.facets) {
            if (fc.name == name) return fc;
        }
        FAIL("no facet " << name);
        return result.facets.front();
    };
    auto check_each = [&](const std::string& name, auto filter_of) {
        const Facet& fc = facet(name);
        REQUIRE_FALSE(fc.values.empty());
        std::size_t total = 0;
        for (const auto& [value, count] : fc.values) {
            INFO(name << " = " << value);
            CHECK(count == direct_count(searcher, query + " " + filter_of(value)));
            total += count;
        }
        return total;
    };

    SECTION("each topic count equals the number of matching reviews with that topic") {
        check_each("topic", [](const std::string& v) { return "topic:\"" + v + "\""; });
        CHECK(facet("topic").values.front().first == "tea rituals");
    }
    SECTION("each reviewer count equals the number of matching reviews by that reviewer") {
        CHECK(check_each("reviewer", [](const std::string& v) { return "by:\"" + v + "\""; }) == matches);
    }
    SECTION("each category count equals the number of matching reviews in that category") {
        CHECK(check_each("category", [](const std::string& v) { return "category:\"" + v + "\""; }) == matches);
    }
    SECTION("each year count equals the number of matching reviews dated that year") {
        CHECK(check_each("year", [](const std::string& v) { return "date:" + v; }) == matches);
    }
    SECTION("each rating count equals the number of matching reviews with that rating") {
        CHECK(check_each("rating", [](const std::string& v) { return "rating:" + v; }) == matches);
    }
    SECTION("an unknown facet is a usage error") {
        SearchRequest bad = request(query);
        bad.facets = {"colour"};
        CHECK_THROWS_AS(searcher.search(bad), UsageError);
    }
}

TEST_CASE("explanations add up to each result's score", "[query]") {
    Indexed f;
    Searcher searcher(f.path);

    auto check_sums = [&](SearchRequest r) {
        r.explain = true;
        const SearchResult result = searcher.search(r);
        REQUIRE(result.hits.size() > 2);
        for (const Hit& h : result.hits) {
            INFO(h.review.id << " score " << h.score);
            CHECK_FALSE(h.explanation.empty());
            double sum = 0;
            for (const TermContribution& c : h.explanation) sum += c.weight;
            CHECK(std::abs(sum - h.score) < 1e-9);
            CHECK(std::abs(h.unexplained) < 1e-9);
        }
        return result;
    };

    auto has_title_part = [](const SearchResult& result) {
        bool title_part = false;
        for (const Hit& h : result.hits) {
            for (const auto& c : h.explanation) title_part = title_part || c.field == "title";
        }
        return title_part;
    };
    SECTION("with the default weighting the parts sum to the score") {
        const SearchResult result = check_sums(request("kettle tea whistle"));
        // The titles' words are default-field terms (title_in_default): no separate title part.
        CHECK_FALSE(has_title_part(result));
    }
    SECTION("with field weights the parts sum to the score") {
        SearchRequest r = request("kettle tea whistle");
        r.field_weights = parse_field_weights("title=3,body=0.5");
        // A title weight adds each word's title match on top, as a part of its own.
        CHECK(has_title_part(check_sums(r)));
    }
    SECTION("with field weights and an AND whose words are in different fields the parts sum to the score") {
        SearchRequest r = request("lantern AND candle");
        r.field_weights = parse_field_weights("title=3");
        r.explain = true;
        const SearchResult result = searcher.search(r);
        REQUIRE(result.hits.size() == 1);
        const Hit& h = result.hits[0];
        double sum = 0;
        for (const TermContribution& c : h.explanation) sum += c.weight;
        // "lantern" (a title word, in the default field too), its title match added by the
        // weight, and "candle" (a body word).
        CHECK(h.explanation.size() == 3);
        CHECK(std::abs(sum - h.score) < 1e-9);
        CHECK(std::abs(h.unexplained) < 1e-9);
    }
    SECTION("with bm25std the parts sum to the score") {
        SearchRequest r = request("kettle tea whistle");
        r.weighting = WeightingSpec::parse("bm25std");
        check_sums(r);
    }
}

TEST_CASE("pseudo-relevance feedback expands the query with useful words", "[query]") {
    Indexed f;
    Searcher searcher(f.path);
    const std::set<std::string> stop{"the", "a", "an", "and", "of", "to", "is", "it", "in", "for",
                                     "with", "this", "that", "on", "at", "my", "was", "or", "but"};

    SECTION("RM3 returns expansion terms and no stop words") {
        SearchRequest r = request("kettle");
        r.prf = PrfParams::parse("3:8");
        const SearchResult result = searcher.search(r);
        CHECK_FALSE(result.expansion.empty());
        CHECK(result.expansion.size() <= 8);
        for (const std::string& t : result.expansion) {
            INFO(t);
            CHECK(stop.count(t) == 0);
        }
        CHECK(result.hits.size() > direct_count(searcher, "kettle"));
    }
    SECTION("with a topic filter in the query, feedback brings in no review outside the filter") {
        SearchRequest r = request("kettle topic:\"tea rituals\"");
        r.prf = PrfParams::parse("3:8");
        const SearchResult result = searcher.search(r);
        CHECK_FALSE(result.expansion.empty());
        REQUIRE_FALSE(result.hits.empty());
        for (const Hit& h : result.hits) {
            INFO(h.review.id);
            CHECK(has_topic(h.review, "tea rituals"));
        }
    }
    SECTION(
        "Bo1 returns words of the feedback reviews, never the query's own word or a stop word") {
        SearchRequest r = request("kettle");
        r.prf = PrfParams::parse("bo1:3:8:0.5");
        const SearchResult result = searcher.search(r);
        REQUIRE_FALSE(result.expansion.empty());
        CHECK(result.expansion.size() <= 8);
        for (const std::string& t : result.expansion) {
            INFO(t);
            CHECK(stop.count(t) == 0);
            CHECK(t != "kettl");  // the query's stem is not offered again
            CHECK(t.find("kettle") == std::string::npos);
        }
        // Every kettle review is tea-related, so Bo1's top words include the tea words of the
        // feedback reviews, and the expanded query reaches reviews without "kettle".
        const std::set<std::string> words(result.expansion.begin(), result.expansion.end());
        CHECK((words.count("whistl") == 1 || words.count("boil") == 1 || words.count("tea") == 1));
        CHECK(result.hits.size() > direct_count(searcher, "kettle"));
    }
    SECTION(
        "Bo1 and RM3 choose their words differently, and Bo1 keeps the original reviews first") {
        SearchRequest bo1 = request("kettle");
        bo1.prf = PrfParams::parse("bo1:3:8:0.3");
        SearchRequest rm3 = bo1;
        rm3.prf = PrfParams::parse("rm3:3:8:0.3");
        const SearchResult a = searcher.search(bo1);
        const SearchResult b = searcher.search(rm3);
        CHECK(a.expansion != b.expansion);
        // Expansion adds reviews and loses none: every review that says "kettle" is still
        // found, and one of them comes first.
        REQUIRE_FALSE(a.hits.empty());
        CHECK(a.hits[0].review.id.rfind("kettle", 0) == 0);
        const std::vector<std::string> found = ids_of(a);
        for (const Hit& h : searcher.search(request("kettle")).hits) {
            INFO(h.review.id);
            CHECK(std::find(found.begin(), found.end(), h.review.id) != found.end());
        }
    }
    SECTION("off and zero feedback documents expand nothing") {
        for (const char* spec : {"off", "bo1:0:8:0.5"}) {
            INFO(spec);
            SearchRequest r = request("kettle");
            r.prf = PrfParams::parse(spec);
            const SearchResult result = searcher.search(r);
            CHECK(result.expansion.empty());
            CHECK(result.hits.size() == direct_count(searcher, "kettle"));
        }
    }
    SECTION("feedback specifications read back as they describe themselves") {
        CHECK(PrfParams::parse("bo1:10:20:0.3").describe() == "bo1:10:20:0.3");
        CHECK(PrfParams::parse("10:20").describe() == "rm3:10:20:0.5");  // no scheme: RM3
        CHECK(PrfParams::parse("off").describe() == "off");
        CHECK_THROWS_AS(PrfParams::parse("bo2:10:20"), UsageError);
        CHECK_THROWS_AS(PrfParams::parse("bo1:10:20:1.5"), UsageError);
    }
    SECTION("bad feedback parameters are usage errors") {
        CHECK_THROWS_AS(PrfParams::parse("3"), UsageError);
        CHECK_THROWS_AS(PrfParams::parse("x:5"), UsageError);
        CHECK_THROWS_AS(PrfParams::parse("3:5:2"), UsageError);
    }
}

TEST_CASE("more-like-this finds similar reviews and never the review itself", "[query]") {
    Indexed f;
    Searcher searcher(f.path);

    SECTION("the reviews like a kettle review are other kettle and tea reviews") {
        SearchRequest r = request("");
        r.like_id = "kettle-copper";
        r.k = 5;
        const SearchResult result = searcher.search(r);
        REQUIRE_FALSE(result.hits.empty());
        CHECK_FALSE(result.expansion.empty());
        const auto ids = ids_of(result);
        CHECK(std::find(ids.begin(), ids.end(), "kettle-copper") == ids.end());
        CHECK(result.hits[0].review.category == "Kitchen");
        CHECK(std::find(ids.begin(), ids.end(), "kettle-glass") != ids.end());
    }
    SECTION("the review itself is absent even deep in the results") {
        SearchRequest r = request("");
        r.like_id = "twin-a";
        r.k = 1000;
        const auto ids = ids_of(searcher.search(r));
        CHECK(std::find(ids.begin(), ids.end(), "twin-a") == ids.end());
        CHECK(std::find(ids.begin(), ids.end(), "twin-b") != ids.end());
    }
    SECTION("an unknown id is a usage error") {
        SearchRequest r = request("");
        r.like_id = "no-such-review";
        CHECK_THROWS_AS(searcher.search(r), UsageError);
    }
}

TEST_CASE("a misspelt query gets a spelling suggestion", "[query]") {
    Indexed f;
    Searcher searcher(f.path);

    SECTION("a misspelt word is corrected to the indexed word") {
        const SearchResult result = searcher.search(request("ketle"));
        CHECK_THAT(result.suggestion, Catch::Contains("kettle"));
    }
    SECTION("a correctly spelt query gets no suggestion") {
        CHECK(searcher.search(request("kettle")).suggestion.empty());
    }
    SECTION("field names and values are syntax, never corrected") {
        CHECK(searcher.search(request("topic:mindfulness kettle")).suggestion.empty());
        CHECK(searcher.search(request("reviewer:okafor kettle")).suggestion.empty());
        CHECK_THAT(searcher.search(request("topic:mindfulness ketle")).suggestion,
                   Catch::StartsWith("topic:mindfulness ") && Catch::Contains("kettle"));
    }
    SECTION("with suggestions off there is none") {
        SearchRequest r = request("ketle");
        r.suggest = false;
        CHECK(searcher.search(r).suggestion.empty());
    }
}

TEST_CASE("synonym tables rewrite bare words and phrases only", "[query]") {
    const SynonymTable table = SynonymTable::parse(
        "# comment line\n"
        "\n"
        "burnout, exhaustion\n"
        "Compassion Fatigue,  secondary traumatic stress\n"
        "lonely\n");

    SECTION("groups of two or more are read and comments, blanks and single words skipped") {
        CHECK(table.size() == 2);
    }
    SECTION("a bare word becomes an OR of its group") {
        CHECK(table.expand("burnout") == "(burnout OR exhaustion)");
        CHECK(table.expand("EXHAUSTION") == "(burnout OR exhaustion)");
    }
    SECTION("a multi-word phrase is matched and its alternatives are quoted") {
        CHECK(table.expand("compassion fatigue nurse") ==
              "(\"compassion fatigue\" OR \"secondary traumatic stress\") nurse");
    }
    SECTION("quoted, fielded and operator words are left untouched") {
        CHECK(table.expand("\"burnout\"") == "\"burnout\"");
        CHECK(table.expand("title:burnout") == "title:burnout");
        CHECK(table.expand("-burnout") == "-burnout");
        CHECK(table.expand("tea AND burnout") == "tea AND (burnout OR exhaustion)");
    }
    SECTION("an empty table returns the query unchanged") {
        CHECK(SynonymTable::parse("").expand("burnout AND tea") == "burnout AND tea");
    }
}

TEST_CASE("a search with synonyms finds a review that has only the synonym", "[query]") {
    Indexed f;
    Searcher searcher(f.path);
    const auto ids_for = [&](bool with_synonyms) {
        SearchRequest r = request("burnout");
        if (with_synonyms) r.synonyms = std::make_shared<SynonymTable>(SynonymTable::parse("burnout, exhaustion\n"));
        const auto ids = ids_of(searcher.search(r));
        return std::set<std::string>(ids.begin(), ids.end());
    };

    SECTION("without synonyms the exhaustion review is not found") {
        CHECK(ids_for(false) == std::set<std::string>{"burnout-guide"});
    }
    SECTION("with synonyms the exhaustion review is found too") {
        CHECK(ids_for(true) == std::set<std::string>{"burnout-guide", "exhaustion-only"});
    }
}

TEST_CASE("searches are deterministic and break ties by id", "[query]") {
    Indexed f;
    Searcher searcher(f.path);

    SECTION("two identical searches give identical ids and scores") {
        SearchRequest r = request("tea kettle garden morning");
        r.facets = {"topic"};
        const SearchResult a = searcher.search(r);
        const SearchResult b = searcher.search(r);
        REQUIRE_FALSE(a.hits.empty());
        CHECK(ids_of(a) == ids_of(b));
        REQUIRE(a.hits.size() == b.hits.size());
        for (std::size_t i = 0; i < a.hits.size(); ++i) CHECK(a.hits[i].score == b.hits[i].score);
    }
    SECTION("identical reviews with equal scores come in id order, not indexing order") {
        const SearchResult result = searcher.search(request("beeswax honey"));
        REQUIRE(result.hits.size() == 2);
        CHECK(result.hits[0].score == result.hits[1].score);
        CHECK(ids_of(result) == std::vector<std::string>{"twin-a", "twin-b"});
        CHECK(position_of(result, "twin-a") < position_of(result, "twin-b"));
    }
}
