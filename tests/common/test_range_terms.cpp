#include "common/range_terms.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "common/date.hpp"
#include "common/schema.hpp"

using namespace revsearch;
namespace s = revsearch::schema;

namespace {

/// Every sort key a review dated in these years can have, in order: each year's year-only
/// key, each month's month-only key, and each real day.
std::vector<std::string> keys_of_years(int first, int last) {
    std::vector<std::string> keys;
    for (int y = first; y <= last; ++y) {
        const std::string year = std::to_string(y);
        keys.push_back(date::sort_key(year));
        for (int m = 1; m <= 12; ++m) {
            char month[16];
            std::snprintf(month, sizeof month, "%s-%02d", year.c_str(), m);
            keys.push_back(date::sort_key(month));
            for (int d = 1; d <= 31; ++d) {
                char day[16];
                std::snprintf(day, sizeof day, "%s-%02d", month, d);
                if (const auto iso = date::parse(day); iso && *iso == day) keys.push_back(date::sort_key(*iso));
            }
        }
    }
    return keys;
}

/// Whether a review with these date terms is among those the terms name.
bool covered(const std::vector<std::string>& own, const std::set<std::string>& terms) {
    return std::any_of(own.begin(), own.end(), [&](const std::string& t) { return terms.count(t) != 0; });
}

}  // namespace

TEST_CASE("a date range's terms name exactly the dates inside it", "[common]") {
    const std::vector<std::string> keys = keys_of_years(2015, 2017);  // 2016 is a leap year
    std::vector<std::vector<std::string>> own;
    for (const std::string& key : keys) own.push_back(range_terms::date_terms(key));
    SECTION("for every range between two keys of three years, sampled") {
        for (std::size_t i = 0; i < keys.size(); i += 13) {
            for (std::size_t j = i; j < keys.size(); j += 17) {
                const auto terms = range_terms::date_range_terms(keys[i], keys[j]);
                const std::set<std::string> set(terms.begin(), terms.end());
                REQUIRE(set.size() == terms.size());  // no term twice
                std::string wrong;
                for (std::size_t k = 0; k < keys.size(); ++k) {
                    if (covered(own[k], set) != (keys[k] >= keys[i] && keys[k] <= keys[j])) wrong = keys[k];
                }
                INFO("range " << keys[i] << ".." << keys[j]);
                REQUIRE(wrong.empty());
            }
        }
    }
    SECTION("whole years and months become one term each") {
        CHECK(range_terms::date_range_terms("20150000", "20161231") == std::vector<std::string>{"Y2015", "Y2016"});
        CHECK(range_terms::date_range_terms("20160200", "20160229") == std::vector<std::string>{"M201602"});
        CHECK(range_terms::date_range_terms("20150200", "20150228") == std::vector<std::string>{"M201502"});
        CHECK(range_terms::date_range_terms("20160301", "20160302") ==
              std::vector<std::string>{"D20160301", "D20160302"});
    }
    SECTION("an empty range has no terms") { CHECK(range_terms::date_range_terms("20160302", "20160301").empty()); }
    SECTION("a range needs at most a few dozen terms at each end") {
        CHECK(range_terms::date_range_terms("19990102", "20181230").size() < 130);
    }
}

TEST_CASE("a review's date terms are its year, month and day", "[common]") {
    CHECK(range_terms::date_terms("20160517") == std::vector<std::string>{"Y2016", "M201605", "D20160517"});
    CHECK(range_terms::date_terms("20160500") == std::vector<std::string>{"Y2016", "M201605", "D20160500"});
    CHECK(range_terms::date_terms("20160000") == std::vector<std::string>{"Y2016", "M201600", "D20160000"});
}

TEST_CASE("a rating term reads back as its rating", "[common]") {
    for (const double v : {0.0, 1.0, 4.0, 4.5, 7.25, 10.0, 0.1, -2.0, 1e21}) {
        const std::string term = range_terms::rating_term(v);
        CHECK(term.rfind(std::string(s::kRatingPrefix), 0) == 0);
        REQUIRE(range_terms::rating_of_term(term).has_value());
        CHECK(*range_terms::rating_of_term(term) == v);
    }
    CHECK(range_terms::rating_term(4) == "XR4");
    CHECK(range_terms::rating_term(4.5) == "XR4.5");
    CHECK_FALSE(range_terms::rating_of_term("XRfour").has_value());
    CHECK_FALSE(range_terms::rating_of_term("XR").has_value());
    CHECK_FALSE(range_terms::rating_of_term("Y2016").has_value());
}
