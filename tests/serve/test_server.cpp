#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "query/printer.hpp"
#include "query/searcher.hpp"
#include "query/searcher_pool.hpp"
#include "query/server.hpp"
#include "tests/serve/serve_support.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::test;
using json = nlohmann::json;

namespace {

std::vector<std::string> ids_of(const json& result) {
    std::vector<std::string> ids;
    for (const json& hit : result["hits"]) ids.push_back(hit["id"].get<std::string>());
    return ids;
}

bool has_topic(const json& hit, const std::string& topic) {
    const auto& topics = hit["topics"];
    return std::find(topics.begin(), topics.end(), topic) != topics.end();
}

/// The hits of `--format json` for the same query, printed in-process by the CLI's printer.
std::vector<json> cli_json_hits(const std::string& db, const std::string& query, std::size_t k) {
    query::Searcher searcher(db);
    query::SearchRequest request;
    request.query = query;
    request.k = k;
    query::PrintOptions print;
    print.format = query::OutputFormat::Json;
    print.highlight = query::Highlight::Html;
    std::ostringstream out;
    query::print_results(out, searcher.search(request), print);
    std::vector<json> hits;
    for (const std::string& line : lines_of(out.str())) {
        json j = json::parse(line);
        // The last line is the summary (total, facets, ...), which has no rank.
        if (j.contains("rank")) hits.push_back(std::move(j));
    }
    return hits;
}

}  // namespace

TEST_CASE("The HTTP API answers searches with hits, highlights, facets and paging", "[serve]") {
    RunningServer s(serve_sample_db());
    httplib::Client c = s.client();

    SECTION("a hit is exactly the object --format json prints, with the snippet marked in HTML") {
        const Reply r = get(c, "/api/search", {{"q", "compassion fatigue"}, {"k", "5"}});
        REQUIRE(r.status == 200);
        CHECK_THAT(r.content_type, Catch::StartsWith("application/json"));
        const std::vector<json> expected =
            cli_json_hits(serve_sample_db(), "compassion fatigue", 5);
        REQUIRE(r.json["hits"].size() == expected.size());
        REQUIRE_FALSE(expected.empty());
        for (std::size_t i = 0; i < expected.size(); ++i) CHECK(r.json["hits"][i] == expected[i]);
        CHECK_THAT(r.json["hits"][0]["snippet"].get<std::string>(), Catch::Contains("<b>"));
        CHECK(r.json["total"]["value"].get<int>() >= 4);
        CHECK(r.json["total"]["exact"] == true);
        CHECK(r.json["query"] == "compassion fatigue");
        CHECK(r.json["suggestion"].is_null());
    }
    SECTION("facets count the whole match, in the order they were asked for") {
        const Reply r = get(c, "/api/search",
                            {{"q", "mindfulness"}, {"k", "1"}, {"facets", "rating,topic,year"}});
        const Reply all = get(c, "/api/search", {{"q", "mindfulness"}, {"k", "100"}});
        REQUIRE(r.status == 200);
        const json& facets = r.json["facets"];
        std::vector<std::string> names;
        for (const auto& [name, values] : facets.items()) names.push_back(name);
        CHECK(names == std::vector<std::string>{"rating", "topic", "year"});
        int years = 0;
        for (const json& v : facets["year"]) years += v["count"].get<int>();
        // Every match has a date here, so the years count every match, not just the page's.
        CHECK(years == static_cast<int>(all.json["hits"].size()));
        CHECK(facets["topic"][0]["value"] == "mindfulness");
        CHECK(r.json["hits"].size() == 1);
    }
    SECTION("offset continues the ranking where the previous page ended") {
        const Reply all = get(c, "/api/search", {{"q", "book"}, {"k", "6"}});
        const Reply first = get(c, "/api/search", {{"q", "book"}, {"k", "3"}});
        const Reply second = get(c, "/api/search", {{"q", "book"}, {"k", "3"}, {"offset", "3"}});
        REQUIRE(all.json["hits"].size() == 6);
        std::vector<std::string> paged = ids_of(first.json);
        for (const auto& id : ids_of(second.json)) paged.push_back(id);
        CHECK(paged == ids_of(all.json));
        CHECK(second.json["hits"][0]["rank"] == 4);
    }
    SECTION("sorting by date puts the newest review first") {
        const Reply r = get(c, "/api/search", {{"q", "book"}, {"k", "20"}, {"sort", "date"}});
        REQUIRE(r.status == 200);
        std::vector<std::string> dates;
        for (const json& hit : r.json["hits"]) dates.push_back(hit["date"].get<std::string>());
        REQUIRE(dates.size() > 5);
        CHECK(std::is_sorted(dates.rbegin(), dates.rend()));
    }
    SECTION("sorting by rating puts the highest rated first") {
        const Reply r = get(c, "/api/search", {{"q", "book"}, {"k", "5"}, {"sort", "rating"}});
        REQUIRE(r.status == 200);
        CHECK(r.json["hits"][0]["rating"].get<double>() == 5.0);
    }
    SECTION("a topic filter narrows the match to reviews with that topic") {
        const Reply wide = get(c, "/api/search", {{"q", "mindfulness"}, {"k", "50"}});
        const Reply narrow =
            get(c, "/api/search", {{"q", "mindfulness"}, {"k", "50"}, {"filter", "topic:anxiety"}});
        REQUIRE(narrow.status == 200);
        CHECK(narrow.json["hits"].size() < wide.json["hits"].size());
        REQUIRE_FALSE(narrow.json["hits"].empty());
        for (const json& hit : narrow.json["hits"]) CHECK(has_topic(hit, "anxiety"));
        CHECK(narrow.json["filters"] == json::array({"topic:anxiety"}));
    }
    SECTION("a topic filter with a bound keeps the reviews that mention the topic that strongly") {
        // Issue 17: strengths are mentions per 1,000 words, stored per tagged topic.
        const Reply tagged = get(c, "/api/search", {{"filter", "topic:burnout"}, {"k", "50"}});
        const Reply strong = get(c, "/api/search", {{"filter", "topic:burnout>=10"}, {"k", "50"}});
        REQUIRE(tagged.status == 200);
        REQUIRE(strong.status == 200);
        REQUIRE_FALSE(strong.json["hits"].empty());
        CHECK(strong.json["hits"].size() < tagged.json["hits"].size());
        for (const json& hit : strong.json["hits"]) {
            CHECK(hit["topic_strength"]["burnout"].get<double>() >= 10.0);
        }
        const std::vector<std::string> kept_ids = ids_of(strong.json);
        for (const json& hit : tagged.json["hits"]) {
            const bool kept = std::find(kept_ids.begin(), kept_ids.end(),
                                        hit["id"].get<std::string>()) != kept_ids.end();
            CHECK(kept == (hit["topic_strength"]["burnout"].get<double>() >= 10.0));
        }
    }
    SECTION("sort=topic:NAME puts the strongest mentions first; facets=topic>=N counts them") {
        const Reply r = get(c, "/api/search",
                            {{"filter", "topic:burnout"},
                             {"k", "50"},
                             {"sort", "topic:burnout"},
                             {"facets", "topic>=10,topic"}});
        REQUIRE(r.status == 200);
        std::vector<double> strengths;
        for (const json& hit : r.json["hits"])
            strengths.push_back(hit["topic_strength"]["burnout"].get<double>());
        REQUIRE(strengths.size() >= 2);
        CHECK(std::is_sorted(strengths.rbegin(), strengths.rend()));
        int strong = 0, all = 0;
        for (const json& v : r.json["facets"]["topic>=10"])
            strong += v["value"] == "burnout" ? v["count"].get<int>() : 0;
        for (const json& v : r.json["facets"]["topic"])
            all += v["value"] == "burnout" ? v["count"].get<int>() : 0;
        CHECK(all == static_cast<int>(strengths.size()));
        CHECK(strong == static_cast<int>(std::count_if(strengths.begin(), strengths.end(),
                                                       [](double x) { return x >= 10.0; })));
    }
    SECTION("two topic filters mean both topics, not either") {
        const Reply r = get(c, "/api/search",
                            {{"filter", "topic:anxiety"}, {"filter", "topic:sleep"}, {"k", "50"}});
        REQUIRE(r.status == 200);
        REQUIRE_FALSE(r.json["hits"].empty());
        for (const json& hit : r.json["hits"])
            CHECK((has_topic(hit, "anxiety") && has_topic(hit, "sleep")));
    }
    SECTION("filters alone, without a query, browse the reviews they select") {
        const Reply r = get(c, "/api/search", {{"filter", "year:2015"}, {"k", "50"}});
        REQUIRE(r.status == 200);
        REQUIRE_FALSE(r.json["hits"].empty());
        for (const json& hit : r.json["hits"])
            CHECK_THAT(hit["date"].get<std::string>(), Catch::StartsWith("2015"));
    }
    SECTION("reviewer, year and rating filters select exactly those values") {
        const Reply r = get(c, "/api/search",
                            {{"q", "book"},
                             {"k", "50"},
                             {"filter", "reviewer:Priya Raman, PsyD"},
                             {"filter", "rating:4..5"}});
        REQUIRE(r.status == 200);
        REQUIRE_FALSE(r.json["hits"].empty());
        for (const json& hit : r.json["hits"]) {
            CHECK(hit["reviewer"] == "Priya Raman, PsyD");
            CHECK(hit["rating"].get<double>() >= 4);
        }
        const Reply exact =
            get(c, "/api/search", {{"q", "book"}, {"k", "50"}, {"filter", "rating:4.5"}});
        REQUIRE_FALSE(exact.json["hits"].empty());
        for (const json& hit : exact.json["hits"]) CHECK(hit["rating"].get<double>() == 4.5);
    }
    SECTION(
        "a filter applies to the whole query even when its brackets and quotes do not balance") {
        for (const std::string q :
             {"mind OR sleep", "mind) OR (sleep", "(mind OR sleep", "\"mind OR sleep",
              "\xE2\x80\x9C"
              "mind OR sleep",
              "sleep) OR topic:grief OR (mind"}) {
            INFO("q = " << q);
            const Reply r =
                get(c, "/api/search", {{"q", q}, {"k", "50"}, {"filter", "topic:anxiety"}});
            REQUIRE(r.status == 200);
            for (const json& hit : r.json["hits"]) CHECK(has_topic(hit, "anxiety"));
        }
    }
    SECTION(
        "a misspelt word gets a suggestion made of the user's words only, with or without "
        "filters") {
        const Reply plain = get(c, "/api/search", {{"q", "mindfulnes"}});
        CHECK(plain.json["suggestion"] == "mindfulness");
        const Reply filtered =
            get(c, "/api/search", {{"q", "mindfulnes"}, {"filter", "topic:anxiety"}});
        CHECK(filtered.json["suggestion"] == "mindfulness");
    }
}

TEST_CASE("The HTTP API escapes review text so that no review can add markup to the page",
          "[serve]") {
    RunningServer s(serve_sample_db());
    httplib::Client c = s.client();

    SECTION("a snippet holds the review's markup as escaped text and only <b> marks as tags") {
        const Reply r = get(c, "/api/search", {{"q", "pwned"}});
        REQUIRE(r.status == 200);
        REQUIRE(r.json["hits"].size() == 1);
        const std::string snippet = r.json["hits"][0]["snippet"];
        CHECK_THAT(snippet, Catch::Contains("&lt;script&gt;"));
        CHECK_THAT(snippet, Catch::Contains("&lt;img src=x onerror"));
        CHECK_THAT(snippet, Catch::Contains("&amp;amp;"));
        std::string tags_only = snippet;
        for (const std::string mark : {"<b>", "</b>"}) {
            for (std::size_t at = tags_only.find(mark); at != std::string::npos;
                 at = tags_only.find(mark)) {
                tags_only.erase(at, mark.size());
            }
        }
        CHECK(tags_only.find('<') == std::string::npos);
        CHECK(tags_only.find('>') == std::string::npos);
    }
    SECTION("a whole review's body is escaped, with the query's words marked") {
        const Reply r = get(c, "/api/review/hostile-markup", {{"q", "pwned hostile"}});
        REQUIRE(r.status == 200);
        const std::string body = r.json["body"];
        CHECK_THAT(body, Catch::Contains("<b>pwned</b>"));
        CHECK_THAT(body, Catch::Contains("&lt;a href=&quot;javascript:"));
        CHECK(body.find("<script") == std::string::npos);
        CHECK(body.find("<a ") == std::string::npos);
    }
    SECTION("a whole review's body is escaped when no query marks anything") {
        const Reply r = get(c, "/api/review/hostile-markup");
        REQUIRE(r.status == 200);
        const std::string body = r.json["body"];
        CHECK_THAT(body, Catch::Contains("&lt;script&gt;"));
        CHECK(body.find('<') == std::string::npos);
    }
}

TEST_CASE("The HTTP API returns whole reviews, the index's stats, its health and the page",
          "[serve]") {
    RunningServer s(serve_sample_db());
    httplib::Client c = s.client();

    SECTION("a review is found by an id that needs escaping in the URL") {
        const std::string id = "id with spaces/and slash?#";
        // Escaped as the page's encodeURIComponent escapes it.
        const Reply escaped = get(c, "/api/review/id%20with%20spaces%2Fand%20slash%3F%23");
        REQUIRE(escaped.status == 200);
        CHECK(escaped.json["id"] == id);
        CHECK_THAT(escaped.json["body"].get<std::string>(), Catch::Contains("patience"));
    }
    SECTION("a review has its body, source and extra fields, and a source without folders") {
        const Reply r = get(c, "/api/review/pages%2Fthe-quiet-hour");
        REQUIRE(r.status == 200);
        CHECK(r.json["title"] == "The Quiet Hour: A Mindfulness Workbook for Anxious Minds");
        CHECK(r.json["extra"]["publisher"] == "Lantern Row Books");
        const std::string source = r.json["source"];
        CHECK_THAT(source, Catch::EndsWith("the-quiet-hour.txt"));
        CHECK(source.front() != '/');
        CHECK(r.body.find(source_dir().string()) == std::string::npos);
    }
    SECTION("an unknown review id is a JSON 404") {
        const Reply r = get(c, "/api/review/no-such-review");
        CHECK(r.status == 404);
        CHECK(r.json["error"] == "no review with this id");
    }
    SECTION("stats give the counts, the manifest without machine paths, and the limits") {
        const Reply r = get(c, "/api/stats");
        REQUIRE(r.status == 200);
        CHECK(r.json["documents"] == 28);
        REQUIRE(r.json["manifest"]["inputs"].size() == 11);
        for (const json& in : r.json["manifest"]["inputs"]) {
            CHECK(in["path"].get<std::string>().front() != '/');
        }
        CHECK(r.body.find(source_dir().string()) == std::string::npos);
        CHECK(r.body.find(serve_sample_db()) == std::string::npos);
        CHECK(r.json["limits"]["max_k"] == 100);
        CHECK(r.json["topics"][0].size() == 2);
    }
    SECTION("healthz says ok and how many reviews it serves") {
        const Reply r = get(c, "/healthz");
        CHECK(r.status == 200);
        CHECK(r.json == json{{"status", "ok"}, {"documents", 28}});
    }
    SECTION("the page is self-contained and carries a fresh CSP nonce on every load") {
        const httplib::Result first = c.Get("/");
        const httplib::Result second = c.Get("/");
        REQUIRE(first);
        REQUIRE(second);
        CHECK(first->status == 200);
        CHECK_THAT(first->get_header_value("Content-Type"), Catch::StartsWith("text/html"));
        const std::string csp = first->get_header_value("Content-Security-Policy");
        const std::size_t at = csp.find("'nonce-");
        REQUIRE(at != std::string::npos);
        const std::string nonce = csp.substr(at + 7, csp.find('\'', at + 7) - at - 7);
        CHECK(nonce.size() >= 16);
        CHECK_THAT(first->body, Catch::Contains("<script nonce=\"" + nonce + "\">"));
        CHECK_THAT(first->body, Catch::Contains("<style nonce=\"" + nonce + "\">"));
        CHECK(first->body.find("__REVSEARCH_NONCE__") == std::string::npos);
        CHECK(second->get_header_value("Content-Security-Policy") != csp);
        CHECK(first->body.find("src=\"http") == std::string::npos);
        CHECK(first->body.find("href=\"http") == std::string::npos);
        CHECK_THAT(csp, Catch::Contains("default-src 'none'"));
    }
}

TEST_CASE("The HTTP API refuses bad requests with a JSON error that names no path", "[serve]") {
    RunningServer s(serve_sample_db());
    httplib::Client c = s.client();
    const std::string long_query(1025, 'a');

    SECTION("bad parameters are 400s with an error message") {
        const std::vector<httplib::Params> bad = {
            {{"q", "x"}, {"k", "0"}},
            {{"q", "x"}, {"k", "101"}},
            {{"q", "x"}, {"k", "ten"}},
            {{"q", "x"}, {"k", "-1"}},
            {{"q", "x"}, {"k", "99999999999999999999"}},
            {{"q", "x"}, {"offset", "10001"}},
            {{"q", "x"}, {"offset", "1.5"}},
            {{"q", "x"}, {"sort", "random"}},
            {{"q", "x"}, {"facets", "topic,colour"}},
            {{"q", "x"}, {"facet_limit", "1000"}},
            {{"q", "x"}, {"filter", "colour:red"}},
            {{"q", "x"}, {"filter", "topic"}},
            {{"q", "x"}, {"filter", "topic:"}},
            {{"q", "x"}, {"filter", "year:15"}},
            {{"q", "x"}, {"filter", "rating:five"}},
            {{"q", "x"}, {"filter", "topic:a\"b"}},
            {{"q", "x"}, {"filter", "topic:burnout>=lots"}},
            {{"q", "x"}, {"sort", "topic:"}},
            {{"q", "x"}, {"sort", "topic:no such topic"}},
            {{"q", "x"}, {"facets", "topic>=x"}},
            {{"q", "x"}, {"facets", "year>=2"}},
            {{"q", long_query}},
            {{"q", "date:2015..nonsense"}},
            {{"q", "mind AND"}},
        };
        for (const httplib::Params& params : bad) {
            std::string described;
            for (const auto& [k, v] : params) described += k + "=" + v.substr(0, 40) + " ";
            INFO(described);
            const Reply r = get(c, "/api/search", params);
            CHECK(r.status == 400);
            REQUIRE(r.json.is_object());
            CHECK(r.json.size() == 1);
            CHECK_FALSE(r.json["error"].get<std::string>().empty());
            CHECK(r.body.find(serve_sample_db()) == std::string::npos);
            CHECK(r.body.find("/tmp") == std::string::npos);
        }
    }
    SECTION("too many filters is a 400") {
        httplib::Params params{{"q", "x"}};
        for (int i = 0; i < 17; ++i) params.emplace("filter", "year:20" + std::to_string(10 + i));
        const Reply r = get(c, "/api/search", params);
        CHECK(r.status == 400);
        CHECK_THAT(r.json["error"].get<std::string>(), Catch::Contains("16"));
    }
    SECTION("17 equal filters are 17 filters, a 400, and 16 equal ones pass (issue 22)") {
        // httplib keeps one of several equal name=value pairs, so they were counted as one.
        httplib::Params params{{"q", "mindfulness"}};
        for (int i = 0; i < 17; ++i) params.emplace("filter", "topic:mindfulness");
        const Reply r = get(c, "/api/search", params);
        CHECK(r.status == 400);
        CHECK_THAT(r.json["error"].get<std::string>(), Catch::Contains("at most 16 filters"));
        params.erase(params.find("filter"));
        CHECK(get(c, "/api/search", params).status == 200);
    }
    SECTION("an unencoded '=' in a parameter is a 400, and an encoded one is text (issue 22)") {
        // httplib keeps only what follows the last '=', so `q=a=b` would search for "b".
        const httplib::Result raw = c.Get("/api/search?q=compassion=fatigue");
        REQUIRE(raw);
        CHECK(raw->status == 400);
        CHECK_THAT(raw->body, Catch::Contains("q holds an unencoded '='"));
        const httplib::Result other = c.Get("/api/search?q=grief&k=5=6");
        REQUIRE(other);
        CHECK(other->status == 400);
        const Reply encoded = get(c, "/api/search", {{"q", "compassion=fatigue"}});
        CHECK(encoded.status == 200);
        CHECK(encoded.json["query"] == "compassion=fatigue");
    }
    SECTION("a query past the budget is a 400 that names the limit") {
        std::string phrase = "\"";
        for (int i = 0; i < 40; ++i) phrase += "calm" + std::to_string(i) + " ";
        phrase += "\"";
        const Reply r = get(c, "/api/search", {{"q", phrase}});
        CHECK(r.status == 400);
        CHECK_THAT(r.json["error"].get<std::string>(),
                   Catch::Contains("bad query: a phrase or NEAR holds 40 words"));
    }
    SECTION("an unknown route is a JSON 404") {
        for (const std::string path : {"/nope", "/api", "/api/review/", "/../etc/passwd"}) {
            INFO(path);
            const Reply r = get(c, path);
            CHECK(r.status >= 400);
            CHECK(r.status < 500);
            CHECK(r.json.contains("error"));
        }
        CHECK(get(c, "/nope").status == 404);
    }
    SECTION("anything but GET is refused: the server is read-only") {
        const httplib::Result r = c.Post("/api/search", "q=x", "application/x-www-form-urlencoded");
        REQUIRE(r);
        CHECK(r->status == 405);
        CHECK(r->get_header_value("Allow") == "GET, HEAD");
        const httplib::Result d = c.Delete("/api/review/hostile-markup");
        REQUIRE(d);
        CHECK(d->status == 405);
    }
    SECTION("a request addressed to another host name is refused on a loopback server") {
        const Reply r = get(c, "/healthz", {}, {{"Host", "attacker.example:8080"}});
        CHECK(r.status == 403);
        CHECK(r.json.contains("error"));
        CHECK(get(c, "/healthz", {}, {{"Host", "localhost:1234"}}).status == 200);
    }
}

TEST_CASE(
    "A loopback server answers only a single Host naming this machine exactly, with an "
    "optional port",
    "[serve][regression]") {
    // Issue 22: the check took any Host starting "127." and let a missing Host through, which
    // let DNS rebinding (a page of another site, resolved to 127.0.0.1) read the API.
    RunningServer s(serve_sample_db());
    const auto ask = [&s](const std::string& headers) {
        RawConnection c(s.port());
        REQUIRE(c.send("GET /healthz HTTP/1.1\r\n" + headers + "Connection: close\r\n\r\n"));
        return status_of(c.read_all(std::chrono::seconds(10)));
    };
    SECTION("this machine's names and addresses, with or without a port, are answered") {
        for (const std::string host :
             {"localhost", "LocalHost:8080", "127.0.0.1", "127.0.0.1:1", "[::1]", "[::1]:65535"}) {
            INFO(host);
            CHECK(ask("Host: " + host + "\r\n") == 200);
        }
    }
    SECTION("names that only start like this machine's, and malformed ports, are refused") {
        for (const std::string host :
             {"127.evil.com", "127.0.0.1.evil.com", "127.0.0.1:80@evil.com", "localhost.evil.com",
              "evil.com:127.0.0.1", "127.0.0.2", "::1", "[::1].evil.com", "[127.0.0.1]",
              "localhost:", "localhost:8o", "localhost:123456", "127.0.0.1 :80"}) {
            INFO(host);
            CHECK(ask("Host: " + host + "\r\n") == 403);
        }
    }
    SECTION("a missing, empty or repeated Host is refused") {
        CHECK(ask("") == 403);
        CHECK(ask("Host: \r\n") == 403);
        CHECK(ask("Host: 127.0.0.1\r\nHost: 127.0.0.1\r\n") == 403);
        CHECK(ask("Host: 127.0.0.1\r\nHost: evil.com\r\n") == 403);
    }
}

namespace {

/// `n` reviews with ids `prefix`-0.. whose bodies say `word`, as JSON lines.
std::string reviews_saying(const std::string& prefix, int n, const std::string& word) {
    std::string out;
    for (int i = 0; i < n; ++i) {
        out += "{\"id\":\"" + prefix + "-" + std::to_string(i) + "\",\"title\":\"Note " +
               std::to_string(i) + "\",\"body\":\"A quiet " + word + " by the window.\"}\n";
    }
    return out;
}

}  // namespace

TEST_CASE("After in-place updates every endpoint answers from the new revision, never a 500",
          "[serve][regression]") {
    // Issue 22: after an update /api/stats answered 500 (DatabaseModifiedError) and /healthz
    // the old count until a search reopened the index.
    TempDir dir;
    const std::string db = dir.file("db");
    REQUIRE(run_index({"--db", db, dir.write("a.jsonl", reviews_saying("old", 5, "teapot"))})
                .exit_code == 0);
    query::ServerOptions options;
    options.threads = 1;  // one searcher, so every request below reads through the same one
    RunningServer s(db, options);
    httplib::Client c = s.client();
    REQUIRE(get(c, "/healthz").json.at("documents") == 5);
    REQUIRE(get(c, "/api/stats").json.at("documents") == 5);
    REQUIRE(get(c, "/api/search", {{"q", "lantern"}}).json.at("total").at("value") == 0);

    // Two commits: the second may reuse the blocks of the revision the searcher still holds.
    REQUIRE(run_index({"--db", db, dir.write("b.jsonl", reviews_saying("new", 3, "lantern"))})
                .exit_code == 0);
    REQUIRE(run_index({"--db", db, dir.write("c.jsonl", reviews_saying("newer", 2, "lantern"))})
                .exit_code == 0);

    SECTION("stats first: the new count, not a 500") {
        const Reply stats = get(c, "/api/stats");
        CHECK(stats.status == 200);
        CHECK(stats.json.at("documents") == 10);
        CHECK(get(c, "/healthz").json.at("documents") == 10);
    }
    SECTION("health first: the new count, not the old one") {
        const Reply health = get(c, "/healthz");
        CHECK(health.status == 200);
        CHECK(health.json.at("documents") == 10);
        CHECK(get(c, "/api/stats").json.at("documents") == 10);
    }
    SECTION("a review and a search find what the update added") {
        CHECK(get(c, "/api/review/newer-1").status == 200);
        const Reply found = get(c, "/api/search", {{"q", "lantern"}});
        CHECK(found.status == 200);
        CHECK(found.json.at("total").at("value") == 5);
    }
}

TEST_CASE("The HTTP server answers concurrent requests from several threads", "[serve]") {
    query::ServerOptions options;
    options.threads = 4;
    // Six clients on one address, with facets: this is about threads, not the per-client and
    // expensive-search limits, which have tests of their own.
    options.max_requests_per_client = 8;
    options.expensive_slots = 4;
    options.expensive_wait = std::chrono::seconds(10);
    RunningServer s(serve_sample_db(), options);
    const std::vector<httplib::Params> mix = {
        {{"q", "compassion fatigue"}, {"facets", "topic,year"}},
        {{"q", "mindfulness"}, {"sort", "date"}, {"k", "3"}},
        {{"q", "book"}, {"offset", "5"}, {"filter", "topic:anxiety"}},
        {{"q", "sleep OR grief"}, {"facets", "rating,reviewer"}},
    };
    constexpr int kThreads = 6, kRequests = 40;
    std::atomic<int> ok{0}, failed{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < kThreads; ++t) {
        clients.emplace_back([&, t] {
            httplib::Client c = s.client();
            for (int i = 0; i < kRequests; ++i) {
                const Reply r = (i % 5 == 4) ? get(c, "/api/review/staying-well")
                                             : get(c, "/api/search", mix[(t + i) % mix.size()]);
                (r.status == 200 && r.json.is_object() ? ok : failed)++;
            }
        });
    }
    for (auto& t : clients) t.join();
    CHECK(failed == 0);
    CHECK(ok == kThreads * kRequests);
}

TEST_CASE("The HTTP server binds a free port when asked for port 0, and stops", "[serve]") {
    SECTION("start reports the port and the URL; stop closes the listener") {
        query::ServerOptions options;
        options.listen.port = 0;
        query::HttpServer server(serve_sample_db(), options);
        server.start();
        CHECK(server.running());
        CHECK(server.port() > 0);
        CHECK(server.url() == "http://127.0.0.1:" + std::to_string(server.port()) + "/");
        CHECK_THROWS_AS(server.start(), Error);
        {
            httplib::Client c("127.0.0.1", server.port());
            REQUIRE(c.Get("/healthz"));
        }
        server.stop();
        CHECK_FALSE(server.running());
        server.stop();  // a second stop does nothing
        httplib::Client c("127.0.0.1", server.port());
        c.set_connection_timeout(1, 0);
        CHECK_FALSE(c.Get("/healthz"));
    }
    SECTION("a server never started is destroyed without hanging") {
        const query::ServerOptions options;
        const query::HttpServer server(serve_sample_db(), options);
        CHECK_FALSE(server.running());
    }
    SECTION("stop right after start does not hang") {
        query::ServerOptions options;
        options.listen.port = 0;
        query::HttpServer server(serve_sample_db(), options);
        server.start();
        server.stop();
        CHECK_FALSE(server.running());
    }
    SECTION("a port in use is an error naming the address") {
        query::ServerOptions options;
        options.listen.port = 0;
        query::HttpServer first(serve_sample_db(), options);
        first.start();
        options.listen.port = first.port();
        query::HttpServer second(serve_sample_db(), options);
        CHECK_THROWS_WITH(second.start(), Catch::Contains("cannot listen on 127.0.0.1:" +
                                                          std::to_string(first.port())));
    }
    SECTION("a database that does not exist is an IndexError before anything listens") {
        TempDir dir;
        const query::ServerOptions options;
        CHECK_THROWS_AS(query::HttpServer(dir.file("missing.db"), options), IndexError);
    }
}

TEST_CASE("Listening addresses are [ADDR:]PORT, on 127.0.0.1 unless an address is given",
          "[serve]") {
    using query::parse_listen_address;
    SECTION("a port alone listens on loopback") {
        const auto a = parse_listen_address("8080");
        CHECK(a.host == "127.0.0.1");
        CHECK(a.port == 8080);
    }
    SECTION("an address, a name or a bracketed IPv6 address may come first") {
        CHECK(parse_listen_address("0.0.0.0:0").host == "0.0.0.0");
        CHECK(parse_listen_address("0.0.0.0:0").port == 0);
        CHECK(parse_listen_address("localhost:65535").host == "localhost");
        CHECK(parse_listen_address("[::1]:9000").host == "::1");
        CHECK(parse_listen_address("[::1]:9000").port == 9000);
    }
    SECTION("anything else is a usage error") {
        for (const std::string bad :
             {"", ":", "80:", ":80", "host:port", "65536", "127.0.0.1:-1", "127.0.0.1:80:80",
              "[::1]", "[::1]80", "[zz]:80", "bad host:80", "-x:80", "127.0.0.1:123456",
              "http://127.0.0.1:80"}) {
            INFO("'" << bad << "'");
            CHECK_THROWS_AS(parse_listen_address(bad), UsageError);
        }
    }
}

TEST_CASE("A SearcherPool lends each Searcher to one borrower at a time", "[serve]") {
    query::SearcherPool pool(serve_sample_db(), 2);
    REQUIRE(pool.size() == 2);
    SECTION("a borrower waits for a Searcher to come back, and gives up after its wait") {
        auto a = pool.borrow(std::chrono::milliseconds(0));
        auto b = pool.borrow(std::chrono::milliseconds(0));
        REQUIRE(a);
        REQUIRE(b);
        CHECK(&**a != &**b);
        CHECK(pool.borrowed() == 2);
        const auto before = std::chrono::steady_clock::now();
        CHECK_FALSE(pool.borrow(std::chrono::milliseconds(50)));
        CHECK(std::chrono::steady_clock::now() - before >= std::chrono::milliseconds(50));
        std::thread giver([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            a.reset();
        });
        auto c = pool.borrow(std::chrono::seconds(5));
        giver.join();
        REQUIRE(c);
        CHECK(pool.borrowed() == 2);
    }
    SECTION("a returned Searcher is lent again, and leases can move") {
        {
            auto a = pool.borrow(std::chrono::milliseconds(0));
            REQUIRE(a);
            query::SearcherPool::Lease moved = std::move(*a);
            CHECK(moved->doc_count() == 28);
            CHECK(pool.borrowed() == 1);
        }
        CHECK(pool.borrowed() == 0);
    }
    SECTION("many threads borrowing at once never hold the same Searcher") {
        std::mutex mutex;
        std::set<query::Searcher*> in_use;
        std::atomic<int> overlaps{0}, timeouts{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 6; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 200; ++i) {
                    auto lease = pool.borrow(std::chrono::seconds(10));
                    if (!lease) {
                        ++timeouts;
                        continue;
                    }
                    query::Searcher* held = &**lease;
                    {
                        std::lock_guard lock(mutex);
                        if (!in_use.insert(held).second) ++overlaps;
                    }
                    (void)held->doc_count();
                    std::lock_guard lock(mutex);
                    in_use.erase(held);
                }
            });
        }
        for (auto& t : threads) t.join();
        CHECK(overlaps == 0);
        CHECK(timeouts == 0);
        CHECK(pool.borrowed() == 0);
    }
}
