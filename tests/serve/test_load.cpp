#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/serve/serve_support.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::test;

namespace {

constexpr int kReviews = 3000;
constexpr int kClients = 4;
constexpr int kWarmupPerClient = 300;
constexpr int kRequestsPerClient = 2500;
/// Growth allowed between the RSS after warm-up and at the end. Searchers, thread stacks and
/// malloc arenas are all in place after warm-up; a leak of even 1 KiB per request would be
/// about 10 MiB over the measured loop.
constexpr long kMaxGrowthKiB = 8 * 1024;

const std::vector<std::string> kWords = {
    "patience",  "anxiety",    "sleep",      "grief",     "memoir",   "therapy",   "workbook",
    "practical", "gentle",     "research",   "chapter",   "exercise", "mindful",   "breathing",
    "stress",    "recovery",   "parents",    "teenagers", "nurses",   "burnout",   "compassion",
    "fatigue",   "resilience", "trauma",     "habits",    "journal",  "evidence",  "clinical",
    "anecdote",  "honest",     "warm",       "dense",     "clear",    "reader",    "author",
    "advice",    "relapse",    "depression", "mood",      "insomnia", "routine",   "kindness",
    "attention", "loss",       "marriage",   "conflict",  "repair",   "addiction", "craving",
    "shame"};
const std::vector<std::string> kTopics = {"anxiety",   "sleep",        "grief",      "burnout",
                                          "trauma",    "mindfulness",  "depression", "parenting",
                                          "addiction", "relationships"};

/// `kReviews` reviews of varied words, reviewers, topics, years and ratings (fixed seed).
std::string load_corpus() {
    std::mt19937 rng(20240611);
    auto pick = [&](const auto& items) { return items[rng() % items.size()]; };
    std::string out;
    for (int i = 0; i < kReviews; ++i) {
        nlohmann::json r;
        r["id"] = "load-" + std::to_string(i);
        std::string title, body;
        for (int w = 0; w < 5; ++w) {
            if (w > 0) title += ' ';
            title += pick(kWords);
        }
        const int words = 80 + static_cast<int>(rng() % 80);
        for (int w = 0; w < words; ++w) {
            if (w > 0) body += w % 12 == 0 ? ". " : " ";
            body += pick(kWords);
        }
        r["title"] = title;
        r["body"] = body + ".";
        r["reviewer"] = "Reviewer " + std::to_string(rng() % 40);
        char date[16];
        std::snprintf(date, sizeof date, "%u-%02u-%02u", static_cast<unsigned>(2000 + rng() % 24),
                      static_cast<unsigned>(1 + rng() % 12), static_cast<unsigned>(1 + rng() % 28));
        r["date"] = date;
        r["rating"] = 1 + static_cast<double>(rng() % 9) / 2.0;
        r["rating_scale"] = 5;
        r["topics"] = {pick(kTopics), pick(kTopics)};
        out += r.dump() + "\n";
    }
    return out;
}

long rss_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

/// The request mix: plain and boolean queries, phrases, facets, filters, sorting, paging,
/// whole reviews and health checks.
struct Call {
    std::string path;
    httplib::Params params;
};

std::vector<Call> request_mix() {
    std::vector<Call> mix;
    for (std::size_t i = 0; i < 12; ++i) {
        const std::string a = kWords[(i * 7) % kWords.size()],
                          b = kWords[(i * 11 + 3) % kWords.size()];
        mix.push_back({"/api/search", {{"q", a}}});
        mix.push_back(
            {"/api/search", {{"q", a + " " + b}, {"facets", "topic,year,rating,reviewer"}}});
        mix.push_back({"/api/search", {{"q", "\"" + a + " " + b + "\""}, {"sort", "date"}}});
        mix.push_back({"/api/search", {{"q", a + " OR " + b}, {"offset", "20"}, {"k", "20"}}});
        mix.push_back(
            {"/api/search",
             {{"q", a}, {"filter", "topic:" + kTopics[i % kTopics.size()]}, {"facets", "year"}}});
        mix.push_back(
            {"/api/search",
             {{"q", b}, {"filter", "year:" + std::to_string(2000 + i)}, {"sort", "rating"}}});
        mix.push_back({"/api/review/load-" + std::to_string(i * 97), {{"q", a}}});
    }
    mix.push_back({"/healthz", {}});
    return mix;
}

}  // namespace

TEST_CASE("The HTTP server keeps answering under a bounded concurrent load without growing",
          "[serve][slow]") {
    TempDir dir;
    const std::string corpus = dir.write("load.jsonl", load_corpus());
    const std::string db = dir.file("load.db");
    const ProcessResult indexed = run_index({"--db", db, corpus});
    INFO(indexed.err);
    REQUIRE(indexed.exit_code == 0);

    // The defaults (8 threads, 8 searchers), but every search may run at once: this measures
    // throughput and memory, not the turns expensive searches take (bench/serve-load does).
    query::ServerOptions options;
    options.expensive_slots = options.threads;
    options.expensive_wait = std::chrono::seconds(10);
    RunningServer s(db, options);
    const std::vector<Call> mix = request_mix();

    std::atomic<long> failures{0};
    auto run_clients = [&](int per_client, std::vector<std::vector<double>>* latencies) {
        std::vector<std::thread> clients;
        for (int t = 0; t < kClients; ++t) {
            clients.emplace_back([&, t] {
                httplib::Client c = s.client();
                for (int i = 0; i < per_client; ++i) {
                    const Call& call =
                        mix[(static_cast<std::size_t>(t) * 31 + static_cast<std::size_t>(i)) %
                            mix.size()];
                    const auto start = std::chrono::steady_clock::now();
                    const httplib::Result res = c.Get(call.path, call.params, {});
                    const double ms = std::chrono::duration<double, std::milli>(
                                          std::chrono::steady_clock::now() - start)
                                          .count();
                    if (!res || res->status != 200 || res->body.empty()) ++failures;
                    if (latencies != nullptr)
                        (*latencies)[static_cast<std::size_t>(t)].push_back(ms);
                }
            });
        }
        for (auto& c : clients) c.join();
    };

    run_clients(kWarmupPerClient, nullptr);
    const long rss_warm = rss_kib();
    std::vector<std::vector<double>> latencies(kClients);
    const auto started = std::chrono::steady_clock::now();
    run_clients(kRequestsPerClient, &latencies);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const long rss_end = rss_kib();

    std::vector<double> all;
    for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    const auto percentile = [&](double p) {
        return all[std::min(all.size() - 1,
                            static_cast<std::size_t>(p * static_cast<double>(all.size())))];
    };
    const double rps = static_cast<double>(all.size()) / seconds;
    char line[512];
    std::snprintf(
        line, sizeof line,
        "serve load: %zu requests from %d clients in %.2f s: %.0f requests/s, p50 %.2f ms, "
        "p99 %.2f ms, max %.2f ms, failures %ld; RSS after warm-up %.1f MiB, at end %.1f MiB "
        "(growth %+.1f MiB, bound %.0f MiB)",
        all.size(), kClients, seconds, rps, percentile(0.50), percentile(0.99), all.back(),
        failures.load(), rss_warm / 1024.0, rss_end / 1024.0, (rss_end - rss_warm) / 1024.0,
        kMaxGrowthKiB / 1024.0);
    std::cout << line << std::endl;
    WARN(line);

    CHECK(all.size() == static_cast<std::size_t>(kClients * kRequestsPerClient));
    CHECK(failures == 0);
    REQUIRE(rss_warm > 0);
    CHECK(rss_end - rss_warm <= kMaxGrowthKiB);
}
