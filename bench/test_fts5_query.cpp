// Unit tests of the benchmark's own logic: the FTS5 translation (which decides whether both
// engines answer the same question), the latency percentiles, and the deterministic generator.
// They live in bench/ because the benchmark is its own module; tests/ holds the product's.

#include <catch2/catch.hpp>

#include "bench/fts5_query.hpp"
#include "bench/measure.hpp"
#include "bench/rng.hpp"
#include "common/error.hpp"

using revsearch::bench::translate_to_fts5;

TEST_CASE("revsearch queries translate to the same FTS5 question", "[bench]") {
    SECTION("words search title and body, joined by the default operator") {
        CHECK(translate_to_fts5("sound quality", true).match ==
              R"({title body} : "sound" AND {title body} : "quality")");
        CHECK(translate_to_fts5("sound quality", false).match ==
              R"({title body} : "sound" OR {title body} : "quality")");
    }
    SECTION("a phrase and a hyphenated word stay phrases") {
        CHECK(translate_to_fts5(R"("of the")", true).match == R"({title body} : "of the")");
        CHECK(translate_to_fts5("self-compassion", true).match ==
              R"({title body} : "self-compassion")");
    }
    SECTION("text fields become column filters and boolean fields are ANDed filters") {
        CHECK(translate_to_fts5("great reviewer:smith", false).match ==
              R"({title body} : "great" OR reviewer : "smith")");
        CHECK(translate_to_fts5(R"(book topic:"compassion fatigue")", false).match ==
              R"(({title body} : "book") AND topic : "compassion fatigue")");
        CHECK(translate_to_fts5("a topic:x topic:y", true).match ==
              R"(({title body} : "a") AND (topic : "x" OR topic : "y"))");
    }
    SECTION("rating and date ranges become SQL conditions with revsearch's partial-date rule") {
        const auto q = translate_to_fts5("battery rating:4..5 date:2005..2007-06", true);
        CHECK(q.match == R"({title body} : "battery")");
        REQUIRE(q.rating);
        CHECK(*q.rating->lo == 4);
        CHECK(*q.rating->hi == 5);
        REQUIRE(q.date_key);
        CHECK(*q.date_key->lo == "20050000");
        CHECK(*q.date_key->hi == "20070630");
        const auto open = translate_to_fts5("movie date:2010..", true);
        CHECK(open.date_key->lo);
        CHECK_FALSE(open.date_key->hi);
        const auto single = translate_to_fts5("movie date:2016-05 rating:4", true);
        CHECK(*single.date_key->lo == "20160500");
        CHECK(*single.date_key->hi == "20160531");
        CHECK(*single.rating->lo == 4);
        CHECK(*single.rating->hi == 4);
    }
    SECTION("operators are kept and wildcards become prefix queries") {
        CHECK(translate_to_fts5("tea OR coffee", true).match ==
              R"({title body} : "tea" OR {title body} : "coffee")");
        CHECK(translate_to_fts5("medit*", true).match == R"({title body} : "medit" *)");
    }
    SECTION("quotes inside words are escaped, so FTS5 never reads text as syntax") {
        CHECK(revsearch::bench::fts5_quote(R"(a"b)") == R"("a""b")");
    }
    SECTION("syntax outside the benchmark's subset is refused") {
        CHECK_THROWS_AS(translate_to_fts5("+must -not", true), revsearch::UsageError);
        CHECK_THROWS_AS(translate_to_fts5("rating:4..5", true), revsearch::UsageError);
        CHECK_THROWS_AS(translate_to_fts5("colour:red", true), revsearch::UsageError);
    }
}

TEST_CASE("latency percentiles are observed values by nearest rank", "[bench]") {
    std::vector<double> ms;
    for (int i = 1; i <= 100; ++i) ms.push_back(i);
    const auto s = revsearch::bench::summarize_latencies(ms);
    CHECK(s.p50_ms == 50);
    CHECK(s.p95_ms == 95);
    CHECK(s.p99_ms == 99);
    CHECK(s.per_second == Approx(100 / 5.050));
    CHECK(revsearch::bench::summarize_latencies({}).count == 0);
}

TEST_CASE("the generators' randomness is the same on every platform", "[bench]") {
    revsearch::bench::Rng rng(1);
    // SplitMix64's published first output for seed 1.
    CHECK(rng.next() == 0x910a2dec89025cc1ULL);
    revsearch::bench::Rng a(7), b(7);
    for (int i = 0; i < 100; ++i) CHECK(a.below(10) == b.below(10));
}
