// Issue 22: facets counted in one pass. The spies of query/facet_pass.hpp, on real Xapian
// databases: a term's count within the match, by reading its postings and by skipping to the
// matched documents, equals a count made document by document.
#include <xapian.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "query/facet_pass.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch::query;
using revsearch::test::TempDir;

namespace {

constexpr int kDocs = 2000;

/// Document i holds "all"; "even" when i is even; "rare" when i % 100 == 7; "seven" when
/// i % 7 == 0; value slot 0 holds i % 3 as text, slot 1 is empty on odd documents.
void build(const std::string& path) {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
    for (int i = 0; i < kDocs; ++i) {
        Xapian::Document doc;
        doc.add_boolean_term("all");
        if (i % 2 == 0) doc.add_boolean_term("even");
        if (i % 100 == 7) doc.add_boolean_term("rare");
        if (i % 7 == 0) doc.add_boolean_term("seven");
        doc.add_value(0, std::to_string(i % 3));
        if (i % 2 == 0) doc.add_value(1, "x");
        db.add_document(doc);
    }
    db.commit();
}

/// Documents (numbered from 0) matching `want`, counted one by one.
int brute(bool (*want)(int)) {
    int n = 0;
    for (int i = 0; i < kDocs; ++i) n += want(i) ? 1 : 0;
    return n;
}

}  // namespace

TEST_CASE(
    "A term counted within a small match by skipping equals a count made document by "
    "document",
    "[query]") {
    TempDir dir;
    build(dir.file("db"));
    const Xapian::Database db(dir.file("db"));
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query("rare"));
    MatchedDocsSpy docs(db);
    enquire.add_matchspy(&docs);
    (void)enquire.get_mset(0, 0, db.get_doccount());
    REQUIRE(docs.matched() == 20);
    // 20 documents seen against 2,000 postings of "all": the skipping path.
    REQUIRE(docs.matched() * MatchedDocsSpy::kSkipRatio < db.get_termfreq("all"));
    CHECK(docs.count_holding("all") == 20);
    // rare: i % 100 == 7, so i is odd: none are even, and those with i % 7 == 0 are counted.
    CHECK(docs.count_holding("even") == 0);
    CHECK(docs.count_holding("seven") ==
          static_cast<Xapian::doccount>(brute([](int i) { return i % 100 == 7 && i % 7 == 0; })));
    CHECK(docs.count_holding("absent") == 0);
}

TEST_CASE(
    "A term counted within a large match by reading its postings equals a count made "
    "document by document",
    "[query]") {
    TempDir dir;
    build(dir.file("db"));
    const Xapian::Database db(dir.file("db"));
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query("even"));
    MatchedDocsSpy docs(db);
    enquire.add_matchspy(&docs);
    (void)enquire.get_mset(0, 0, db.get_doccount());
    REQUIRE(docs.matched() == kDocs / 2);
    REQUIRE_FALSE(docs.matched() * MatchedDocsSpy::kSkipRatio < db.get_termfreq("seven"));
    CHECK(docs.count_holding("seven") ==
          static_cast<Xapian::doccount>(brute([](int i) { return i % 2 == 0 && i % 7 == 0; })));
    // Not a document of the match holds "rare" (all odd), though 20 documents do.
    CHECK(docs.count_holding("rare") == 0);
    CHECK(docs.count_holding("all") == kDocs / 2);
}

TEST_CASE("Slot values are counted once per matched document, and empty values not at all",
          "[query]") {
    TempDir dir;
    build(dir.file("db"));
    const Xapian::Database db(dir.file("db"));
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query("seven"));
    SlotValuesSpy values({0, 1});
    enquire.add_matchspy(&values);
    (void)enquire.get_mset(0, 0, db.get_doccount());
    REQUIRE(values.counts().size() == 2);
    for (int r = 0; r < 3; ++r) {
        int expected = 0;
        for (int i = 0; i < kDocs; ++i) expected += i % 7 == 0 && i % 3 == r ? 1 : 0;
        CHECK(values.counts()[0].at(std::to_string(r)) == static_cast<Xapian::doccount>(expected));
    }
    // Slot 1 is empty on odd documents: only "x" is counted, for the even multiples of 7.
    REQUIRE(values.counts()[1].size() == 1);
    CHECK(values.counts()[1].at("x") ==
          static_cast<Xapian::doccount>(brute([](int i) { return i % 14 == 0; })));
    CHECK(values.counts()[1].count("") == 0);
}
