#include <catch2/catch.hpp>

#include "common/date.hpp"

using namespace revsearch;

TEST_CASE("dates are read in the spellings reviews use", "[common]") {
    SECTION("ISO dates keep their precision") {
        CHECK(date::parse("2016-05-17") == "2016-05-17");
        CHECK(date::parse("2016-05") == "2016-05");
        CHECK(date::parse("2016") == "2016");
        CHECK(date::parse("2016-05-17T10:00:00Z") == "2016-05-17");
    }
    SECTION("written-out dates become ISO dates") {
        CHECK(date::parse("17 May 2016") == "2016-05-17");
        CHECK(date::parse("July 1, 2006") == "2006-07-01");
        CHECK(date::parse("November 2015") == "2015-11");
    }
    SECTION("impossible dates are refused") {
        CHECK_FALSE(date::parse("2016-13-01"));
        CHECK_FALSE(date::parse("31 April 2016"));
        CHECK_FALSE(date::parse("last week"));
    }
}

TEST_CASE("partial dates sort at the start of their period and range ends close it", "[common]") {
    CHECK(date::sort_key("2016") == "20160000");
    CHECK(date::sort_key("2016-06") == "20160600");
    CHECK(date::lower_bound_key("2015") == "20150000");
    CHECK(date::upper_bound_key("2016-06") == "20160630");
    CHECK(date::upper_bound_key("2016-02") == "20160229");
    CHECK(date::upper_bound_key("2016") == "20161231");
}

TEST_CASE("unix times convert to UTC calendar dates", "[common]") {
    CHECK(date::from_unix_time(0) == "1970-01-01");
    CHECK(date::from_unix_time(1463443200) == "2016-05-17");
}
