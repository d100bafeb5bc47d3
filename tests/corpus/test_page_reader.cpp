#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "corpus/page_reader.hpp"
#include "tests/support/corpus_support.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::corpus;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;

namespace fs = std::filesystem;

namespace {

using revsearch::test::CollectingSink;
using revsearch::test::make_info;

fs::path page_fixture(const std::string& name) { return test::fixtures_dir() / "pages" / name; }

// Parses a page that must be accepted.
Review parse_text(const std::string& page, const std::string& relative = "page.txt") {
    Review review;
    std::string reason;
    const bool ok = PageReader::parse_page(page, make_info("in/" + relative, relative), review,
                                           reason);
    INFO("rejected: " << reason);
    REQUIRE(ok);
    CHECK(reason.empty());
    return review;
}

// Parses one of tests/fixtures/pages, which must be accepted.
Review parse_fixture(const std::string& name) {
    const std::string page = test::read_file(page_fixture(name));
    INFO("fixture: " << name);
    REQUIRE_FALSE(page.empty());
    return parse_text(page, name);
}

std::size_t paragraph_count(const std::string& body) {
    if (body.empty()) return 0;
    std::size_t count = 1;
    for (std::size_t pos = body.find("\n\n"); pos != std::string::npos;
         pos = body.find("\n\n", pos + 2)) {
        ++count;
    }
    return count;
}

// The body holds review paragraphs only: none of the page's furniture.
void check_no_furniture(const std::string& body) {
    static const char* const kFurniture[] = {
        "Psych Central's Recommendation", "Your Recommendation", "Stars",
        "affiliate",                      "Want to buy",         "Check out the book",
        "APA Reference",                  "Retrieved on",        "Scientifically Reviewed",
        "Last updated",                   "Last reviewed",       "Published on",
        "Psych Central Reviews",          "Reviews Home",        "\r",
    };
    for (const char* furniture : kFurniture) {
        INFO("furniture: " << furniture);
        CHECK_THAT(body, !Contains(furniture));
    }
}

// A small page in the common layout, for variations that do not need a fixture file.
std::string small_page(const std::string& breadcrumb, const std::string& title,
                       const std::string& middle) {
    return "Psych Central Reviews\n\n" + breadcrumb + "\n\n" + title + "\n\n" + middle +
           "\n\nPsych Central's Recommendation:\nWorth Your Time! +++\n\n"
           "Last updated: 1 June 2018\nPublished on Psych All rights reserved.\n";
}

}  // namespace

TEST_CASE("the seed page is read into its fields without the site furniture",
          "[corpus]") {
    const auto dir = test::seed_page_dir();
    if (!dir) return;
    const fs::path path = *dir / "self-compassion-in-psychotherapy.txt";
    const std::string page = test::read_file(path);
    REQUIRE_FALSE(page.empty());
    const Review r = parse_text(page, "self-compassion-in-psychotherapy.txt");

    SECTION("the header gives the title and the breadcrumb gives the category") {
        CHECK(r.title == "Self-Compassion in Psychotherapy: Mindfulness-based Practices");
        CHECK(r.category == "Stress Management");
        CHECK_THAT(r.extra_value("breadcrumb"), StartsWith("Reviews Home"));
    }
    SECTION("the reviewer is the byline that the APA reference names") {
        CHECK(r.reviewer == "Tamara Hill, MS, LPC");
        CHECK_THAT(r.extra_value("reviewer_bio"), Contains("licensed therapist"));
        CHECK_THAT(r.extra_value("apa_reference"), StartsWith("Hill, T. (2016)."));
    }
    SECTION("the date comes from the update lines, since Published on has none") {
        CHECK(r.date == "2016-05-17");
        CHECK(r.extra_value("last_updated") == "2016-05-17");
        CHECK(r.extra_value("last_reviewed") == "2016-05-17");
    }
    SECTION("the book details block gives the product, publisher, format and pages") {
        CHECK(r.product ==
              "Self-Compassion in Psychotherapy: Mindfulness-Based Practices for Healing and "
              "Transformation");
        CHECK(r.extra_value("publisher") == "W. W. Norton & Company");
        CHECK(r.extra_value("publication_date") == "November 2015");
        CHECK(r.extra_value("format") == "Hardcover");
        CHECK(r.extra_value("pages") == "256");
    }
    SECTION("the recommendation is kept and a widget without ratings gives no rating") {
        CHECK(r.extra_value("recommendation") == "Worth Your Time! +++");
        CHECK_FALSE(r.rating);
        CHECK_FALSE(r.rating_scale);
        CHECK(r.extra_value("rating_votes").empty());
        CHECK(r.url.empty());
    }
    SECTION("the body is the review's paragraphs, with no-break spaces collapsed") {
        CHECK_THAT(r.body, StartsWith("As a therapist who works with children"));
        CHECK_THAT(r.body, EndsWith("incorporate into their sessions."));
        CHECK(paragraph_count(r.body) == 13);
        CHECK_THAT(r.body, Contains("compassion fatigue"));
        check_no_furniture(r.body);
        CHECK_THAT(r.body, !Contains("licensed therapist"));
        CHECK_THAT(r.body, !Contains("Hill, T. (2016)"));
        CHECK_THAT(r.body, !Contains("W. W. Norton"));
        CHECK_THAT(r.body, !Contains("Hardcover"));
        CHECK_THAT(r.body, !Contains("\xC2\xA0"));
    }
    SECTION("the id derives from the file name and the source is the displayed path") {
        CHECK(r.id == "self-compassion-in-psychotherapy");
        CHECK(r.source == "in/self-compassion-in-psychotherapy.txt");
    }
}

TEST_CASE("a nested breadcrumb gives the category from the segment before the title",
          "[corpus]") {
    const Review r = parse_fixture("nested-breadcrumb.txt");

    SECTION("the category is the innermost section, not the top-level one") {
        CHECK(r.category == "Anxiety");
        CHECK(r.extra_value("breadcrumb") ==
              "Reviews Home \xC2\xBB Psychology \xC2\xBB Anxiety \xC2\xBB The Worry Ledger: "
              "Keeping Accounts With an Anxious Mind");
    }
    SECTION("the other fields are read as on a flat breadcrumb") {
        CHECK(r.title == "The Worry Ledger: Keeping Accounts With an Anxious Mind");
        CHECK(r.reviewer == "Lena Marsh, LCSW");
        CHECK(r.date == "2017-02-02");
        CHECK(r.product ==
              "The Worry Ledger: Keeping Accounts With an Anxious Mind (Revised Edition)");
        CHECK(r.extra_value("publisher") == "Quillfeather Press");
        CHECK(r.extra_value("publication_date") == "April 2016");
        CHECK(r.extra_value("format") == "Paperback");
        CHECK(r.extra_value("pages") == "198");
        CHECK(r.extra_value("recommendation") == "Worth Your Time! +++");
        CHECK_THAT(r.extra_value("apa_reference"), StartsWith("Marsh, L. (2017)."));
        CHECK_THAT(r.extra_value("reviewer_bio"), StartsWith("Lena Marsh, LCSW, is a clinical"));
        CHECK_FALSE(r.rating);
        CHECK(r.id == "nested-breadcrumb");
    }
    SECTION("the body stops before the book details and the repeated title") {
        CHECK_THAT(r.body, StartsWith("Bram Oyelaran\xE2\x80\x99s The Worry Ledger borrows"));
        CHECK_THAT(r.body, EndsWith("it is clear and useful."));
        CHECK(paragraph_count(r.body) == 3);
        CHECK_THAT(r.body, !Contains("Quillfeather"));
        CHECK_THAT(r.body, !Contains("Revised Edition"));
        check_no_furniture(r.body);
    }
}

TEST_CASE("a byline and a date under the title are header, not body", "[corpus]") {
    const Review r = parse_fixture("byline-under-title.txt");

    SECTION("the By line gives the reviewer with their credentials") {
        CHECK(r.reviewer == "Theo Brandt, PhD");
    }
    SECTION("the date under the byline wins over a later update") {
        CHECK(r.date == "2015-06-04");
        CHECK(r.extra_value("last_updated") == "2019-08-09");
    }
    SECTION("the body starts with the first paragraph after the header") {
        CHECK_THAT(r.body, StartsWith("Toddler tantrums are less a battle of wills"));
        CHECK_THAT(r.body, EndsWith("most families will come away calmer."));
        CHECK(paragraph_count(r.body) == 3);
        CHECK_THAT(r.body, !Contains("Theo Brandt"));
        CHECK_THAT(r.body, !Contains("June 4, 2015"));
        check_no_furniture(r.body);
    }
    SECTION("the rest of the page is read as usual") {
        CHECK(r.title == "Small Humans, Big Feelings");
        CHECK(r.category == "Parenting");
        CHECK(r.product == "Small Humans, Big Feelings: A Guide to Toddler Tantrums");
        CHECK(r.extra_value("publisher") == "Birchwood Family Books");
        CHECK(r.extra_value("publication_date") == "January 2015");
        CHECK(r.extra_value("format") == "Paperback");
        CHECK(r.extra_value("pages") == "210");
        CHECK(r.extra_value("recommendation") == "Worth Your Time! +++");
        CHECK_THAT(r.extra_value("apa_reference"), StartsWith("Brandt, T. (2015)."));
        CHECK(r.extra_value("reviewer_bio").empty());
    }
}

TEST_CASE("a page without a book details block has no product and a whole body",
          "[corpus]") {
    const Review r = parse_fixture("no-book-details.txt");

    SECTION("no product, publisher, format or pages are invented") {
        CHECK(r.product.empty());
        CHECK(r.extra_value("publisher").empty());
        CHECK(r.extra_value("publication_date").empty());
        CHECK(r.extra_value("format").empty());
        CHECK(r.extra_value("pages").empty());
    }
    SECTION("the body runs up to the recommendation and keeps its last paragraph") {
        CHECK_THAT(r.body, StartsWith("When one partner works nights"));
        CHECK_THAT(r.body, EndsWith("will recognize themselves in it."));
        CHECK(paragraph_count(r.body) == 3);
        check_no_furniture(r.body);
    }
    SECTION("a recommendation on the same line as its label is read") {
        CHECK(r.extra_value("recommendation") == "Worth Your Time! +++");
    }
    SECTION("title, category, reviewer and date are read as usual") {
        CHECK(r.title == "Two Clocks: Couples Living on Different Schedules");
        CHECK(r.category == "Relationships");
        CHECK(r.reviewer == "Imogen Pryce, MA");
        CHECK_THAT(r.extra_value("reviewer_bio"), StartsWith("Imogen Pryce, MA, is a couples"));
        CHECK(r.date == "2013-10-12");
        CHECK_FALSE(r.rating);
    }
}

TEST_CASE("a rating widget with an average gives the rating, its scale and the votes",
          "[corpus]") {
    const Review r = parse_fixture("rating-average.txt");

    SECTION("the average is the rating and the widget's maximum is the scale") {
        REQUIRE(r.rating);
        CHECK(*r.rating == Approx(4.25));
        REQUIRE(r.rating_scale);
        CHECK(*r.rating_scale == Approx(5.0));
        CHECK(r.extra_value("rating_votes") == "12");
    }
    SECTION("the URL at the end of the APA reference becomes the review's url") {
        CHECK(r.url == "https://reviews.example.org/the-long-grey-winter/");
    }
    SECTION("the widget stays out of the body") {
        CHECK_THAT(r.body, StartsWith("Seasonal depression is often treated"));
        CHECK_THAT(r.body, EndsWith("this is a sensible guide."));
        CHECK(paragraph_count(r.body) == 3);
        CHECK_THAT(r.body, !Contains("votes"));
        check_no_furniture(r.body);
    }
    SECTION("the other fields are read as usual") {
        CHECK(r.title == "The Long Grey Winter");
        CHECK(r.category == "Depression");
        CHECK(r.reviewer == "Owen Achterberg, PsyD");
        CHECK(r.date == "2019-01-28");
        CHECK(r.product == "The Long Grey Winter: Understanding Seasonal Depression");
        CHECK(r.extra_value("publisher") == "Aurora Lane Press");
        CHECK(r.extra_value("publication_date") == "October 2018");
        CHECK(r.extra_value("format") == "Paperback");
        CHECK(r.extra_value("pages") == "184");
        CHECK(r.extra_value("recommendation") == "Worth Your Time! +++");
    }
}

TEST_CASE("a page saved with CRLF line endings reads like the same page with LF endings",
          "[corpus]") {
    const std::string crlf = test::read_file(page_fixture("crlf-line-endings.txt"));
    REQUIRE_THAT(crlf, Contains("\r\n"));
    std::string lf = crlf;
    lf.erase(std::remove(lf.begin(), lf.end(), '\r'), lf.end());
    const Review r = parse_text(crlf, "crlf-line-endings.txt");
    const Review expected = parse_text(lf, "crlf-line-endings.txt");

    SECTION("every field equals the LF reading") {
        CHECK(r.title == expected.title);
        CHECK(r.category == expected.category);
        CHECK(r.reviewer == expected.reviewer);
        CHECK(r.date == expected.date);
        CHECK(r.product == expected.product);
        CHECK(r.body == expected.body);
        CHECK(r.url == expected.url);
        CHECK(r.extra == expected.extra);
    }
    SECTION("no field keeps a carriage return") {
        for (const std::string* field : {&r.title, &r.category, &r.reviewer, &r.date,
                                         &r.product, &r.body, &r.url}) {
            CHECK(field->find('\r') == std::string::npos);
        }
        for (const auto& [key, value] : r.extra) {
            INFO("extra: " << key);
            CHECK(value.find('\r') == std::string::npos);
        }
    }
    SECTION("the fields are the page's, and the no-break space becomes a space") {
        CHECK(r.title == "Last Call: Drinking, Denial, and the Way Back");
        CHECK(r.category == "Addiction");
        CHECK(r.reviewer == "Beatriz Solano, LMHC");
        CHECK(r.date == "2020-09-15");
        CHECK(r.product == "Last Call: Drinking, Denial, and the Way Back");
        CHECK(r.extra_value("publisher") == "Stillwater Books");
        CHECK(r.extra_value("publication_date") == "February 2020");
        CHECK(r.extra_value("format") == "Paperback");
        CHECK(r.extra_value("pages") == "232");
        CHECK(r.extra_value("recommendation") == "Worth Your Time! +++");
        CHECK_THAT(r.extra_value("reviewer_bio"), StartsWith("Beatriz Solano, LMHC, is"));
        CHECK_THAT(r.body, Contains("is written for the much larger group"));
        CHECK_THAT(r.body, EndsWith("the book is honest and kind."));
        CHECK(paragraph_count(r.body) == 3);
        check_no_furniture(r.body);
    }
}

TEST_CASE("a reviewer named only by a byline and a biography is found without an APA reference",
          "[corpus]") {
    const Review r = parse_fixture("byline-bio-no-apa.txt");

    SECTION("the byline whose surname the biography repeats is the reviewer") {
        CHECK(r.reviewer == "Callum Reddy, Ph.D.");
        CHECK_THAT(r.extra_value("reviewer_bio"),
                   StartsWith("Callum Reddy, Ph.D., is a clinical psychologist"));
        CHECK(r.extra_value("apa_reference").empty());
    }
    SECTION("the byline and biography stay out of the body") {
        CHECK_THAT(r.body, StartsWith("Insomnia advice usually arrives"));
        CHECK_THAT(r.body, EndsWith("it is a reliable guide."));
        CHECK(paragraph_count(r.body) == 3);
        CHECK_THAT(r.body, !Contains("Callum Reddy"));
        check_no_furniture(r.body);
    }
    SECTION("the other fields are read as usual") {
        CHECK(r.title == "The Restless Pillow");
        CHECK(r.category == "Sleep");
        CHECK(r.date == "2021-07-21");
        CHECK(r.product == "The Restless Pillow: Why We Lie Awake and What Helps");
        CHECK(r.extra_value("publisher") == "Greyfriars Press");
        CHECK(r.extra_value("publication_date") == "March 2021");
        CHECK(r.extra_value("format") == "Paperback");
        CHECK(r.extra_value("pages") == "196");
        CHECK(r.extra_value("last_reviewed").empty());
    }
}

TEST_CASE("a page dated only by its Published on line takes that date", "[corpus]") {
    const Review r = parse_fixture("published-date-only.txt");

    SECTION("the date is the Published on date") {
        CHECK(r.date == "2014-03-03");
        CHECK(r.extra_value("last_updated").empty());
        CHECK(r.extra_value("last_reviewed").empty());
        CHECK(r.extra_value("apa_reference").empty());
    }
    SECTION("a Reviewed by line gives the reviewer") {
        CHECK(r.reviewer == "Nadia Farouk, MSW");
    }
    SECTION("the other fields are read as usual") {
        CHECK(r.title == "The Chair by the Window");
        CHECK(r.category == "Grief and Loss");
        CHECK(r.product == "The Chair by the Window: A Year of Widowhood");
        CHECK(r.extra_value("publisher") == "Ashgrove Press");
        CHECK(r.extra_value("publication_date") == "September 2013");
        CHECK(r.extra_value("format") == "Hardcover");
        CHECK(r.extra_value("pages") == "168");
        CHECK(r.extra_value("recommendation") == "Worth Your Time! +++");
        CHECK_THAT(r.body, StartsWith("Widowhood memoirs often end"));
        CHECK_THAT(r.body, EndsWith("will find a great deal."));
        CHECK(paragraph_count(r.body) == 3);
        CHECK_THAT(r.body, !Contains("Nadia Farouk"));
        check_no_furniture(r.body);
    }
}

TEST_CASE("a book details block whose title repeats the page title still gives the product",
          "[corpus]") {
    const Review r = parse_fixture("book-title-repeats-title.txt");

    SECTION("the repeated title is the product and the block is read") {
        CHECK(r.title == "Quiet Confidence: Self-Worth for Introverts");
        CHECK(r.product == "Quiet Confidence: Self-Worth for Introverts");
        CHECK(r.extra_value("publisher") == "Linden & Hale");
        CHECK(r.extra_value("publication_date") == "May 2017");
        CHECK(r.extra_value("format") == "Paperback");
        CHECK(r.extra_value("pages") == "220");
    }
    SECTION("the body stops before the block") {
        CHECK_THAT(r.body, StartsWith("Introverts are often told"));
        CHECK_THAT(r.body, EndsWith("will find it encouraging."));
        CHECK(paragraph_count(r.body) == 3);
        CHECK_THAT(r.body, !Contains("Linden & Hale"));
        check_no_furniture(r.body);
    }
    SECTION("the other fields are read as usual") {
        CHECK(r.category == "Self-Esteem");
        CHECK(r.reviewer == "Wendell Oduya, MA");
        CHECK(r.date == "2017-11-06");
        CHECK(r.extra_value("recommendation") == "Worth Your Time! +++");
        CHECK_THAT(r.extra_value("apa_reference"), StartsWith("Oduya, W. (2017)."));
    }
}

TEST_CASE("a page with nothing to index is rejected with a reason", "[corpus]") {
    const std::string page = test::read_file(page_fixture("no-review.txt"));
    REQUIRE_FALSE(page.empty());

    SECTION("parse_page refuses it and furniture is never taken for a title") {
        Review r;
        std::string reason;
        CHECK_FALSE(PageReader::parse_page(page, make_info("no-review.txt", "no-review.txt"), r,
                                           reason));
        CHECK(reason == "nothing to index (no title and no body)");
        CHECK(r.title.empty());
        CHECK(r.body.empty());
    }
    SECTION("read passes one reject, with the source and the raw page, to the sink") {
        CollectingSink sink;
        std::istringstream in(page);
        PageReader reader;
        reader.read(in, make_info("fixtures/no-review.txt", "no-review.txt"), sink);
        CHECK(sink.reviews.empty());
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].source == "fixtures/no-review.txt");
        CHECK(sink.rejects[0].reason == "nothing to index (no title and no body)");
        CHECK_THAT(sink.rejects[0].raw, StartsWith("Psych Central Reviews"));
    }
    SECTION("an empty file and invalid UTF-8 are rejected too") {
        Review r;
        std::string reason;
        CHECK_FALSE(PageReader::parse_page("", make_info("a.txt", "a.txt"), r, reason));
        CHECK(reason == "nothing to index (no title and no body)");
        const std::string bad = small_page("Reviews Home \xC2\xBB Books \xC2\xBB Bad", "Bad",
                                           "A body with a stray \xFF byte.");
        CHECK_FALSE(PageReader::parse_page(bad, make_info("b.txt", "b.txt"), r, reason));
        CHECK(reason == "invalid UTF-8");
    }
}

TEST_CASE("read passes one review per page, named after its file", "[corpus]") {
    const std::string page = test::read_file(page_fixture("rating-average.txt"));
    CollectingSink sink;
    std::istringstream in(page);
    PageReader reader;
    reader.read(in, make_info("tests/fixtures/pages/rating-average.txt",
                              "pages/rating-average.txt"), sink);
    CHECK(sink.rejects.empty());
    REQUIRE(sink.reviews.size() == 1);
    const Review& r = sink.reviews[0];
    CHECK(r.id == "pages/rating-average");
    CHECK(r.source == "tests/fixtures/pages/rating-average.txt");
    CHECK(r.title == "The Long Grey Winter");
    CHECK(r.reviewer == "Owen Achterberg, PsyD");
}

TEST_CASE("a page is recognised by its breadcrumb", "[corpus]") {
    SECTION("every page fixture, even one with nothing to index, looks like a page") {
        for (const auto& entry : fs::directory_iterator(test::fixtures_dir() / "pages")) {
            INFO("fixture: " << entry.path().filename().string());
            CHECK(PageReader::looks_like_page(test::read_file(entry.path()).substr(0, 1024)));
        }
    }
    SECTION("text without a breadcrumb does not look like a page") {
        CHECK_FALSE(PageReader::looks_like_page("# Samples\n\nThese are reviews.\n"));
        CHECK_FALSE(PageReader::looks_like_page("{\"title\": \"a\"}\n"));
        CHECK_FALSE(PageReader::looks_like_page(""));
    }
}

TEST_CASE("layout variations are read by their landmarks", "[corpus]") {
    SECTION("a breadcrumb that stops short of the title gives its last segment as category") {
        const Review r = parse_text(small_page("Reviews Home \xC2\xBB Sleep", "Night Owls",
                                               "A short review of a short book about sleep."));
        CHECK(r.title == "Night Owls");
        CHECK(r.category == "Sleep");
    }
    SECTION("a breadcrumb that cuts the title short still names it") {
        const Review r = parse_text(small_page(
            "Reviews Home \xC2\xBB Grief \xC2\xBB The Long Goodbye: Notes\xE2\x80\xA6",
            "The Long Goodbye: Notes on Caring for a Parent", "A review of a memoir."));
        CHECK(r.category == "Grief");
    }
    SECTION("a breadcrumb that spells the title differently still names it") {
        const Review r = parse_text(small_page(
            "Reviews Home \xC2\xBB Couples \xC2\xBB Staying Together & Growing Apart",
            "Staying Together and Growing Apart", "A review of a book about marriage."));
        CHECK(r.category == "Couples");
    }
    SECTION("a title that begins with By is a title, not a byline") {
        const Review r = parse_text(small_page("Reviews Home \xC2\xBB Memoir \xC2\xBB By Heart",
                                               "By Heart", "A review of a memoir."));
        CHECK(r.title == "By Heart");
        CHECK(r.category == "Memoir");
        CHECK(r.reviewer.empty());
        CHECK(r.body == "A review of a memoir.");
    }
    SECTION("the lines of a hard-wrapped paragraph are joined into one paragraph") {
        const Review r = parse_text(small_page("Reviews Home \xC2\xBB Sleep \xC2\xBB Wrapped",
                                               "Wrapped",
                                               "First line of a paragraph\nand its second line."
                                               "\n\nA second paragraph."));
        CHECK(r.body == "First line of a paragraph and its second line.\n\nA second paragraph.");
    }
    SECTION("a paragraph that merely begins like furniture stays in the body") {
        const Review r = parse_text(small_page(
            "Reviews Home \xC2\xBB History \xC2\xBB Old Asylums", "Old Asylums",
            "An opening paragraph.\n\nPublished only in Britain at first, the book found its "
            "American readers later."));
        CHECK_THAT(r.body, EndsWith("found its American readers later."));
        CHECK(paragraph_count(r.body) == 2);
    }
    SECTION("a details block without a book title line leaves the last paragraph in the body") {
        const Review r = parse_text(small_page(
            "Reviews Home \xC2\xBB Sleep \xC2\xBB Short Nights", "Short Nights",
            "The first paragraph.\n\nThe last paragraph, which ends like prose.\n\n"
            "Nightjar Press, May 2017\n\nPaperback, 150 pages"));
        CHECK(r.body == "The first paragraph.\n\nThe last paragraph, which ends like prose.");
        CHECK(r.product.empty());
        CHECK(r.extra_value("publisher") == "Nightjar Press");
        CHECK(r.extra_value("publication_date") == "May 2017");
        CHECK(r.extra_value("pages") == "150");
    }
    SECTION("a byline with credentials ending in a dot is found by its APA surname") {
        const Review r = parse_text(
            "Reviews Home \xC2\xBB Sleep \xC2\xBB Short Nights\n\nShort Nights\n\nThe review.\n\n"
            "Psych Central's Recommendation:\nWorth Your Time! +++\n\nJane Q. Doe, Psy.D.\n\n"
            "APA Reference\nDoe, J. Q. (2018). Short Nights. Psych Central. Retrieved on May 1, "
            "2019, from\n");
        CHECK(r.reviewer == "Jane Q. Doe, Psy.D.");
        CHECK(r.body == "The review.");
        CHECK(r.date == "2018");
    }
}

TEST_CASE("every sample page reads with a title, reviewer, date and category",
          "[corpus]") {
    const fs::path dir = test::source_dir() / "corpus" / "samples" / "pages";
    REQUIRE(fs::is_directory(dir));
    std::vector<fs::path> pages;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == ".txt") pages.push_back(entry.path());
    }
    std::sort(pages.begin(), pages.end());
    CHECK(pages.size() >= 8);

    for (const fs::path& path : pages) {
        const std::string name = path.filename().string();
        INFO("sample: " << name);
        const std::string page = test::read_file(path);
        CHECK(PageReader::looks_like_page(page.substr(0, 1024)));
        const Review r = parse_text(page, "pages/" + name);
        CHECK_FALSE(r.title.empty());
        CHECK_FALSE(r.reviewer.empty());
        CHECK(r.date.size() == 10);  // every sample page is dated to the day
        CHECK_FALSE(r.category.empty());
        CHECK_FALSE(r.product.empty());
        CHECK_FALSE(r.extra_value("pages").empty());
        CHECK_FALSE(r.extra_value("recommendation").empty());
        CHECK_FALSE(r.extra_value("reviewer_bio").empty());
        CHECK(paragraph_count(r.body) >= 4);
        check_no_furniture(r.body);
    }

    SECTION("the burnout review that the demo finds is Okafor's, from 2020") {
        const Review r = parse_text(test::read_file(dir / "the-long-exhale.txt"),
                                    "pages/the-long-exhale.txt");
        CHECK(r.title == "The Long Exhale: Recovering From Burnout");
        CHECK(r.reviewer == "Adaeze Okafor, PhD");
        CHECK(r.date == "2020-06-08");
        CHECK(r.category == "Work and Career");
        CHECK(r.id == "pages/the-long-exhale");
        CHECK_THAT(r.body, Contains("burnout"));
    }
    SECTION("a reviewer whose credentials end in a dot is read whole") {
        const Review r = parse_text(test::read_file(dir / "enough-as-you-are.txt"));
        CHECK(r.reviewer == "Ruth Castellano, Ph.D.");
        CHECK(r.date == "2016-03-30");
        CHECK(r.category == "Self-Esteem");
    }
}
