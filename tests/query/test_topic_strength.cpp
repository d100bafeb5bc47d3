// Topic strengths (issue 17): what the indexer stores for each tagged topic, and how queries
// filter, sort and count by it. The index is built by a real IndexJob on disk.
#include <xapian.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/schema.hpp"
#include "common/topic_slots.hpp"
#include "indexer/index_job.hpp"
#include "query/query_builder.hpp"
#include "query/searcher.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::query;
using revsearch::test::TempDir;
namespace s = revsearch::schema;

namespace {

/// `n` words that belong to no topic.
std::string pots(std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += "pot ";
    return out;
}

/// `mentions` times: "burnout" and `gap` words of filler; title and product empty, so the
/// review has exactly mentions * (gap + 1) words.
std::string burnout_body(int mentions, std::size_t gap) {
    std::string out;
    for (int i = 0; i < mentions; ++i) out += "burnout " + pots(gap);
    return out;
}

std::string line(const std::string& id, const std::string& body, const std::string& topics = "") {
    std::string l = R"({"id":")" + id + R"(","body":")" + body + "\"";
    if (!topics.empty()) l += R"(,"topics":[)" + topics + "]";
    return l + "}\n";
}

/// Builds an index at `db` from `jsonl` (and a lexicon file, if given). Returns the log.
std::string build(const TempDir& dir, const std::string& db, const std::string& jsonl,
                  const std::string& lexicon = "", bool tag = true) {
    indexer::IndexOptions o;
    o.db_path = db;
    static int n = 0;
    o.inputs = {dir.write("in" + std::to_string(++n) + ".jsonl", jsonl)};
    o.progress = indexer::ProgressMode::None;
    o.threads = 1;
    o.tag_topics = tag;
    if (!lexicon.empty())
        o.topics_file = dir.write("lexicon" + std::to_string(n) + ".toml", lexicon);
    std::ostringstream log;
    indexer::IndexJob job(o, log);
    (void)job.run();
    return log.str();
}

const std::string kReviews = line("strong", burnout_body(4, 24))        // 100 words, 4 mentions: 40
                             + line("faint", burnout_body(2, 199))      // 400 words, 2 mentions: 5
                             + line("given", pots(50), R"("Burnout")")  // its record says so: 0
                             + line("once", "burnout " + pots(49))      // one mention: not tagged
                             + line("elsewhere", pots(30));

std::vector<std::string> ids(const SearchResult& r) {
    std::vector<std::string> out;
    for (const Hit& h : r.hits) out.push_back(h.review.id);
    return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

SearchRequest request(const std::string& q) {
    SearchRequest r;
    r.query = q;
    r.k = 50;
    r.snippets = false;
    r.suggest = false;
    return r;
}

}  // namespace

TEST_CASE("the indexer stores each tagged topic's strength in its slot", "[query]") {
    TempDir dir;
    const std::string db = dir.file("db");
    (void)build(dir, db, kReviews);
    const Xapian::Database xdb(db);
    const TopicSlots slots = TopicSlots::from_database(xdb);
    REQUIRE(slots.slot("burnout"));
    const Xapian::valueno slot = *slots.slot("burnout");
    CHECK(slot >= s::kFirstTopicSlot);
    CHECK(slots.lexicon == "default");
    CHECK(slots.rule.find("\"words_per_point\":500") != std::string::npos);
    const auto value_of = [&](const std::string& id) {
        Xapian::PostingIterator p = xdb.postlist_begin(s::id_term(id));
        REQUIRE(p != xdb.postlist_end(s::id_term(id)));
        return xdb.get_document(*p).get_value(slot);
    };
    SECTION("mentions per 1,000 words of the review, stop words counted") {
        CHECK(s::strength_from_value(value_of("strong")) == Approx(40.0));
        CHECK(s::strength_from_value(value_of("faint")) == Approx(5.0));
    }
    SECTION("a topic the record gave, which its text never mentions, has strength 0") {
        REQUIRE_FALSE(value_of("given").empty());
        CHECK(s::strength_from_value(value_of("given")) == 0.0);
    }
    SECTION("a review the topic is not tagged on has no strength for it") {
        CHECK(value_of("once").empty());
        CHECK(value_of("elsewhere").empty());
        CHECK_FALSE(xdb.term_exists(s::boolean_term(s::kTopicPrefix, "grief")));
    }
}

TEST_CASE("queries filter, sort and count reviews by topic strength", "[query]") {
    TempDir dir;
    const std::string db = dir.file("db");
    (void)build(dir, db, kReviews);
    Searcher searcher(db);

    SECTION("topic:NAME is every tagged review; topic:NAME>=N those at least that strong") {
        CHECK(sorted(ids(searcher.search(request("topic:burnout")))) ==
              std::vector<std::string>{"faint", "given", "strong"});
        CHECK(ids(searcher.search(request("topic:burnout>=10"))) ==
              std::vector<std::string>{"strong"});
        CHECK(sorted(ids(searcher.search(request("topic:burnout>=5")))) ==
              std::vector<std::string>{"faint", "strong"});
        CHECK(sorted(ids(searcher.search(request("topic:Burnout>=0")))) ==
              std::vector<std::string>{"faint", "given", "strong"});
        CHECK(ids(searcher.search(request("topic:burnout>=40.5"))).empty());
    }
    SECTION("a bound after a quoted name applies to it, as inside the quotes") {
        CHECK(ids(searcher.search(request("topic:\"burnout\">=10"))) ==
              std::vector<std::string>{"strong"});
        CHECK(ids(searcher.search(request("topic:\"burnout>=10\""))) ==
              std::vector<std::string>{"strong"});
        CHECK(ids(searcher.search(request("pot AND topic:\"burnout\">=10"))) ==
              std::vector<std::string>{"strong"});
    }
    SECTION("a bound on a topic without strengths, or a bound that is not a number, is an error") {
        CHECK_THROWS_WITH(
            searcher.search(request("topic:gardening>=1")),
            Catch::Contains("no strengths for topic 'gardening'") && Catch::Contains("burnout"));
        CHECK_THROWS_AS(searcher.search(request("topic:burnout>=lots")), QueryError);
        CHECK_THROWS_AS(searcher.search(request("topic:burnout>=-1")), QueryError);
    }
    SECTION("--sort topic:NAME puts the strongest first, and reviews without it last") {
        SearchRequest r = request("pot");
        set_sort(r, "topic:burnout");
        CHECK(r.sort == SortOrder::TopicStrength);
        const std::vector<std::string> order = ids(searcher.search(r));
        REQUIRE(order.size() == 5);
        CHECK(std::vector<std::string>(order.begin(), order.begin() + 3) ==
              std::vector<std::string>{"strong", "faint", "given"});
        SearchRequest unknown = request("pot");
        set_sort(unknown, "topic:gardening");
        CHECK_THROWS_AS(searcher.search(unknown), UsageError);
        SearchRequest bad = request("pot");
        CHECK_THROWS_AS(set_sort(bad, "topic:"), UsageError);
        CHECK_THROWS_AS(set_sort(bad, "strength"), UsageError);
    }
    SECTION("facets count every tagged review, or with a bound only the strong ones") {
        SearchRequest r = request("pot");
        r.k = 0;
        r.facets = {"topic>=10", "topic"};
        const SearchResult result = searcher.search(r);
        REQUIRE(result.facets.size() == 2);
        CHECK(result.facets[0].name == "topic>=10");
        CHECK(result.facets[0].values ==
              std::vector<std::pair<std::string, Xapian::doccount>>{{"burnout", 1}});
        CHECK(result.facets[1].name == "topic");
        CHECK(result.facets[1].values ==
              std::vector<std::pair<std::string, Xapian::doccount>>{{"burnout", 3}});
        r.facets = {"topic>=many"};
        CHECK_THROWS_AS(searcher.search(r), UsageError);
        r.facets = {"year>=2"};
        CHECK_THROWS_AS(searcher.search(r), UsageError);
    }
    SECTION("hits carry the strengths of their topics") {
        const SearchResult result = searcher.search(request("topic:burnout>=10"));
        REQUIRE(result.hits.size() == 1);
        REQUIRE(result.hits[0].topic_strengths.size() == 1);
        CHECK(result.hits[0].topic_strengths[0].first == "burnout");
        CHECK(result.hits[0].topic_strengths[0].second == Approx(40.0));
    }
}

TEST_CASE("topic slots survive an update with another lexicon, and an index without them says so",
          "[query]") {
    TempDir dir;
    const std::string db = dir.file("db");
    (void)build(dir, db, kReviews);
    const Xapian::valueno burnout =
        *TopicSlots::from_database(Xapian::Database(db)).slot("burnout");

    SECTION("a topic keeps its slot, a new topic gets a free one, and both are searchable") {
        (void)build(dir, db, line("zealous", "zeal " + pots(30) + " zeal"),
                    "[evidence]\nminimum = 2\n[topics]\n\"aardvark zeal\" = [\"zeal\"]\nburnout = "
                    "[\"burnout\"]\n");
        const TopicSlots after = TopicSlots::from_database(Xapian::Database(db));
        CHECK(*after.slot("burnout") == burnout);
        REQUIRE(after.slot("aardvark zeal"));
        CHECK(*after.slot("aardvark zeal") != burnout);
        CHECK(*after.slot("aardvark zeal") >= s::kFirstTopicSlot);
        Searcher searcher(db);
        CHECK(ids(searcher.search(request("topic:\"aardvark zeal\">=50"))) ==
              std::vector<std::string>{"zealous"});
        CHECK(ids(searcher.search(request("topic:burnout>=10"))) ==
              std::vector<std::string>{"strong"});
    }
    SECTION("an index built without tagging refuses a strength bound with a reason") {
        const std::string plain = dir.file("plain");
        (void)build(dir, plain, line("x", "burnout burnout", R"("burnout")"), "", false);
        Searcher searcher(plain);
        CHECK(ids(searcher.search(request("topic:burnout"))) == std::vector<std::string>{"x"});
        CHECK_THROWS_WITH(searcher.search(request("topic:burnout>=1")),
                          Catch::Contains("re-index"));
    }
}
