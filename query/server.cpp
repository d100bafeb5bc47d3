#include "query/server.hpp"

#include <httplib.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "common/schema.hpp"
#include "common/text.hpp"
#include "query/connection_guard.hpp"
#include "query/highlighter.hpp"
#include "query/json_output.hpp"
#include "query/searcher_pool.hpp"
#include "query/stats.hpp"
#include "query/web_page.hpp"

namespace revsearch::query {

using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

namespace {

/// A request for `query`'s analysis alone (its terms, its spelling suggestion): the server's
/// defaults, parsed as syntax, asking for no hits, facets, feedback or snippets.
SearchRequest match_free_request(const SearchRequest& defaults, const std::string& query) {
    SearchRequest s = defaults;
    s.parse = ParseMode::Syntax;
    s.query = query;
    s.k = 0;
    s.offset = 0;
    s.facets.clear();
    s.prf = {};
    s.like_id.clear();
    s.snippets = false;
    return s;
}

/// A request the client got wrong: answered with `status` and `{"error": message}`.
struct HttpError {
    int status;
    std::string message;
};

constexpr std::string_view kFacetNames[] = {"topic", "reviewer", "category", "year", "rating"};
constexpr std::size_t kMaxFilterValueBytes = 256;
/// How often a read is retried on a newer revision when a writer keeps committing under it.
constexpr int kMaxReopens = 5;

bool is_facet_name(std::string_view name) {
    return std::find(std::begin(kFacetNames), std::end(kFacetNames), name) != std::end(kFacetNames);
}

bool all_digits(std::string_view s);
bool is_plain_number(std::string_view s);

/// A facet as the API takes it: a facet name, or `topic>=N` (N a plain number).
bool is_facet_spec(std::string_view spec) {
    const std::size_t op = spec.find(">=");
    if (op == std::string_view::npos) return is_facet_name(spec);
    return spec.substr(0, op) == "topic" && is_plain_number(spec.substr(op + 2));
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A decimal number as `rating:` takes it: digits with at most one point, no sign, no exponent.
bool is_plain_number(std::string_view s) {
    const std::size_t dot = s.find('.');
    if (dot == std::string_view::npos) return all_digits(s);
    return all_digits(s.substr(0, dot)) && all_digits(s.substr(dot + 1));
}

/// True for an address the server may listen on and still count as loopback-only.
bool is_loopback_host(std::string_view host) {
    return host == "localhost" || host == "::1" || host.substr(0, 4) == "127.";
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

bool is_loopback_host_header(std::string_view value, std::string_view listen_host) {
    std::string_view host;
    std::string_view rest;
    if (!value.empty() && value.front() == '[') {
        const std::size_t close = value.find(']');
        if (close == std::string_view::npos) return false;
        host = value.substr(1, close - 1);
        rest = value.substr(close + 1);
        // Only an IPv6 address goes in brackets.
        if (host.find(':') == std::string_view::npos) return false;
    } else {
        const std::size_t colon = value.find(':');
        host = value.substr(0, colon);
        rest = colon == std::string_view::npos ? std::string_view() : value.substr(colon);
    }
    // Nothing after the host but an optional port: 1 to 5 digits.
    if (!rest.empty()) {
        const std::string_view port = rest.substr(1);
        if (rest.front() != ':' || port.empty() || port.size() > 5 || !all_digits(port)) {
            return false;
        }
    }
    if (host.empty()) return false;
    return equal_ignoring_case(host, "localhost") || host == "127.0.0.1" || host == "::1" ||
           host == listen_host;
}

namespace {

/// Xapian's QueryParser reads U+201C to U+201F as double quotes; they become '"' here so that
/// the balancing below sees every quote the parser will see.
std::string straighten_quotes(std::string_view q) {
    std::string out;
    out.reserve(q.size());
    for (std::size_t i = 0; i < q.size(); ++i) {
        if (i + 2 < q.size() && static_cast<unsigned char>(q[i]) == 0xE2 &&
            static_cast<unsigned char>(q[i + 1]) == 0x80) {
            const auto third = static_cast<unsigned char>(q[i + 2]);
            if (third >= 0x9C && third <= 0x9F) {
                out += '"';
                i += 2;
                continue;
            }
        }
        out += q[i];
    }
    return out;
}

/// The user's query made safe to wrap in brackets: an unclosed phrase is closed, a stray ')' is
/// dropped and a missing one added, so `(q) AND filter` always applies the filter to the whole
/// of q. QueryParser itself forgives the same mistakes, so the meaning of q is unchanged.
std::string balanced(std::string_view q) {
    std::string out;
    out.reserve(q.size() + 4);
    int depth = 0;
    bool quoted = false;
    for (const char c : q) {
        if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && c == '(') {
            ++depth;
        } else if (!quoted && c == ')') {
            if (depth == 0) continue;
            --depth;
        }
        out += c;
    }
    if (quoted) out += '"';
    out.append(static_cast<std::size_t>(depth), ')');
    return out;
}

/// One `filter` parameter in the query syntax: topic and category as quoted boolean filters,
/// reviewer as `by:` (the whole name), year as a date period, rating as a value or a range.
std::string filter_syntax(const std::string& filter) {
    const std::size_t colon = filter.find(':');
    const std::string name = text::trim(filter.substr(0, std::min(colon, filter.size())));
    if (colon == std::string::npos || !is_facet_name(name)) {
        throw HttpError{400,
                        "filter takes NAME:VALUE with NAME one of topic, reviewer, category, "
                        "year, rating"};
    }
    const std::string value = text::trim(filter.substr(colon + 1));
    if (value.empty()) throw HttpError{400, "filter " + name + ": needs a value"};
    if (value.size() > kMaxFilterValueBytes) {
        throw HttpError{
            400, "filter values are at most " + std::to_string(kMaxFilterValueBytes) + " bytes"};
    }
    if (name == "year") {
        if (value.size() != 4 || !all_digits(value))
            throw HttpError{400, "filter year: takes a year, e.g. 2015"};
        return "date:" + value;
    }
    if (name == "rating") {
        const std::size_t range = value.find("..");
        const bool ok = range == std::string::npos ? is_plain_number(value)
                                                   : is_plain_number(value.substr(0, range)) &&
                                                         is_plain_number(value.substr(range + 2));
        if (!ok) throw HttpError{400, "filter rating: takes a number or a range, e.g. 4.5 or 4..5"};
        return "rating:" + value;
    }
    if (value.find('"') != std::string::npos || value.find_first_of("\r\n") != std::string::npos) {
        throw HttpError{400, "filter values cannot contain double quotes or line breaks"};
    }
    if (const std::size_t op = value.rfind(">="); name == "topic" && op != std::string::npos) {
        // topic:NAME>=N: tagged NAME with at least N mentions per 1,000 words.
        if (!is_plain_number(text::trim(value.substr(op + 2))) ||
            text::trim(value.substr(0, op)).empty()) {
            throw HttpError{400,
                            "filter topic: takes NAME or NAME>=N, N a number, e.g. burnout>=2"};
        }
    }
    return (name == "reviewer" ? std::string("by") : name) + ":\"" + value + "\"";
}

/// The query text Searcher runs: the user's query, bracketed, AND each filter. Filters are
/// joined by AND, not by juxtaposition, because QueryParser ORs juxtaposed filters on the
/// same field, and two topics picked in the page mean both.
std::string compose_query(const std::string& q, const std::vector<std::string>& filters) {
    if (filters.empty()) return q;
    std::string out;
    const std::string user = text::trim(q);
    if (!user.empty()) {
        out += '(';
        out += balanced(straighten_quotes(user));
        out += ')';
    }
    for (const std::string& f : filters) {
        if (!out.empty()) out += " AND ";
        out += filter_syntax(f);
    }
    return out;
}

/// The parameters of the query string as the client sent them, name by name (decoded), each
/// with how often it was sent. httplib's own parse cannot be used to check a request: it
/// splits a parameter at every '=' and keeps the last piece as the value (`q=a=b` arrives as
/// "b"), and it drops a name=value pair seen before (17 equal filters arrive as one). Throws
/// HttpError 400 for a parameter with an unencoded '=' in its value.
std::map<std::string, std::size_t> sent_params(const httplib::Request& req) {
    std::map<std::string, std::size_t> counts;
    const std::size_t mark = req.target.find('?');
    if (mark == std::string::npos) return counts;
    const std::string_view query = std::string_view(req.target).substr(mark + 1);
    std::size_t at = 0;
    while (at <= query.size()) {
        std::size_t end = query.find('&', at);
        if (end == std::string_view::npos) end = query.size();
        const std::string_view piece = query.substr(at, end - at);
        at = end + 1;
        if (piece.empty()) continue;
        const std::size_t eq = piece.find('=');
        const std::string name =
            httplib::detail::decode_url(std::string(piece.substr(0, eq)), true);
        if (eq != std::string_view::npos && piece.find('=', eq + 1) != std::string_view::npos) {
            const bool known = name == "q" || name == "k" || name == "offset" || name == "sort" ||
                               name == "facets" || name == "facet_limit" || name == "filter";
            throw HttpError{400, (known ? "parameter " + name : std::string("a parameter")) +
                                     " holds an unencoded '=': write it as %3D"};
        }
        ++counts[name];
    }
    return counts;
}

std::size_t number_param(const httplib::Request& req, const char* name, std::size_t fallback,
                         std::size_t lo, std::size_t hi) {
    if (!req.has_param(name)) return fallback;
    const std::string value = req.get_param_value(name);
    const std::string range = std::to_string(lo) + " to " + std::to_string(hi);
    if (!all_digits(value) || value.size() > 9) {
        throw HttpError{400, std::string(name) + " takes a whole number from " + range};
    }
    const std::size_t n = std::stoul(value);
    if (n < lo || n > hi)
        throw HttpError{400, std::string(name) + " takes a whole number from " + range};
    return n;
}

/// Strips the folders of the index's inputs from a path, so responses name a file as it sits
/// in the corpus ("pages/kind-attention.txt") and never where the corpus sits on this machine:
/// the folder all inputs share is cut off, and a path outside it keeps only its file name
/// (relative paths that do not climb with ".." are kept as they are).
class PathRedactor {
public:
    PathRedactor() = default;
    explicit PathRedactor(const json& manifest) {
        if (!manifest.is_object()) return;
        std::optional<std::string> common;
        for (const json& in : manifest.value("inputs", json::array())) {
            if (!in.is_object() || !in.contains("path") || !in["path"].is_string()) continue;
            const std::string path = in["path"].get<std::string>();
            const std::string dir = path.substr(0, path.rfind('/') + 1);
            if (!common) {
                common = dir;
                continue;
            }
            std::size_t n = 0;
            while (n < common->size() && n < dir.size() && (*common)[n] == dir[n]) ++n;
            const std::size_t slash = common->rfind('/', n == 0 ? 0 : n - 1);
            common->resize(slash == std::string::npos || n == 0 ? 0 : slash + 1);
        }
        if (common) root_ = *common;
    }

    [[nodiscard]] std::string operator()(const std::string& path) const {
        if (!root_.empty() && path.compare(0, root_.size(), root_) == 0)
            return path.substr(root_.size());
        // A relative path that stays below the folder the indexer ran in says nothing more.
        const bool below = !path.empty() && path[0] != '/' && path[0] != '~' &&
                           path.find("..") == std::string::npos;
        if (below) return path;
        const std::size_t slash = path.rfind('/');
        return slash == std::string::npos ? path : path.substr(slash + 1);
    }

private:
    std::string root_;  // ends with '/', or empty
};

std::string make_nonce() {
    thread_local std::random_device device;
    std::string nonce;
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 4; ++i) {
        const unsigned v = device();
        for (int b = 0; b < 8; ++b) nonce += kHex[(v >> (4 * b)) & 0xF];
    }
    return nonce;
}

void set_json(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    res.set_header("Cache-Control", "no-store");
    res.set_content(dump_json(body) + "\n", "application/json; charset=utf-8");
}

void set_error(httplib::Response& res, int status, const std::string& message) {
    set_json(res, status, json{{"error", message}});
}

}  // namespace

ListenAddress parse_listen_address(std::string_view spec) {
    const std::string what =
        "--serve takes [ADDR:]PORT, e.g. 8080 or 127.0.0.1:8080, not '" + std::string(spec) + "'";
    ListenAddress a;
    std::string_view port = spec;
    if (!spec.empty() && spec.front() == '[') {
        const std::size_t close = spec.find(']');
        if (close == std::string_view::npos || close + 1 >= spec.size() || spec[close + 1] != ':') {
            throw UsageError(what);
        }
        a.host = std::string(spec.substr(1, close - 1));
        port = spec.substr(close + 2);
        const bool ipv6 = !a.host.empty() && std::all_of(a.host.begin(), a.host.end(), [](char c) {
            return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
        });
        if (!ipv6) throw UsageError(what);
    } else if (const std::size_t colon = spec.rfind(':'); colon != std::string_view::npos) {
        a.host = std::string(spec.substr(0, colon));
        port = spec.substr(colon + 1);
        // A name or an IPv4 address: letters, digits, dots and inner hyphens.
        const bool name =
            !a.host.empty() && a.host.front() != '-' && a.host.front() != '.' &&
            std::all_of(a.host.begin(), a.host.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
            });
        if (!name) throw UsageError(what);
    }
    if (!all_digits(port) || port.size() > 5) throw UsageError(what);
    a.port = std::stoi(std::string(port));
    if (a.port > 65535) throw UsageError(what);
    return a;
}

namespace {

/// Threads at a lower CPU priority (nice 10, Linux's per-thread nice) that run what they are
/// given while the caller waits: expensive searches run there, so that a cheap search on a
/// request thread gets the CPU first. If the priority cannot be lowered they run as they are.
class LowPriorityLane {
public:
    explicit LowPriorityLane(std::size_t threads) {
        for (std::size_t i = 0; i < threads; ++i) {
            threads_.emplace_back([this] {
                (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
                work();
            });
        }
    }
    ~LowPriorityLane() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        ready_.notify_all();
        for (std::thread& t : threads_) t.join();
    }
    LowPriorityLane(const LowPriorityLane&) = delete;
    LowPriorityLane& operator=(const LowPriorityLane&) = delete;

    /// Runs `f` on a lane thread and returns what it returns, or throws what it throws.
    template <class F>
    auto run(F&& f) -> decltype(f()) {
        std::packaged_task<decltype(f())()> task(std::forward<F>(f));
        auto result = task.get_future();
        {
            std::lock_guard lock(mutex_);
            tasks_.emplace_back([&task] { task(); });
        }
        ready_.notify_one();
        return result.get();
    }

private:
    void work() {
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
                if (tasks_.empty()) return;
                task = std::move(tasks_.front());
                tasks_.pop_front();
            }
            task();
        }
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> tasks_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace

struct HttpServer::Impl {
    Impl(const std::string& db_path, ServerOptions o)
        : options(std::move(o)),
          pool(db_path, options.threads, options.open),
          http(ConnectionLimits{options.header_timeout, options.max_connections_per_client,
                                options.max_queued_connections}) {}

    void log(const std::string& message) {
        if (options.log == nullptr) return;
        std::lock_guard lock(log_mutex);
        *options.log << "revsearch-query: " << message << '\n' << std::flush;
    }

    /// Borrows a Searcher within what is left of the request's time, or answers 503.
    SearcherPool::Lease borrow(Clock::time_point started) {
        const auto left = options.request_timeout - (Clock::now() - started);
        auto lease =
            pool.borrow(std::max(std::chrono::duration_cast<std::chrono::milliseconds>(left),
                                 std::chrono::milliseconds(0)));
        if (!lease) throw HttpError{503, "the server is busy; try again"};
        // Every endpoint reads the latest commit: after an in-place update a searcher still on
        // the old revision would answer stale counts, or fail once the writer reuses its blocks.
        (*lease)->refresh();
        return std::move(*lease);
    }

    /// Runs `read` on the searcher's database, reopening and retrying when a writer commits
    /// underneath (Xapian::DatabaseModifiedError), as searches do.
    template <class F>
    auto reading(SearcherPool::Lease& searcher, F&& read) {
        for (int attempt = 0;; ++attempt) {
            try {
                return read(*searcher);
            } catch (const Xapian::DatabaseModifiedError&) {
                if (attempt >= kMaxReopens) throw;
                searcher->refresh();
            }
        }
    }

    /// Runs a handler, turning what it throws into a JSON error. Details of unexpected errors
    /// go to the log only: their messages can hold file paths.
    /// A request counted against its client address's limit of requests in flight while it
    /// lives; throws HttpError 429 past the limit.
    class InFlight {
      public:
        InFlight(Impl& s, std::string address) : s_(s), address_(std::move(address)) {
            std::lock_guard lock(s_.flight_mutex);
            std::size_t& n = s_.in_flight[address_];
            if (n >= s_.options.max_requests_per_client) {
                if (n == 0) s_.in_flight.erase(address_);
                throw HttpError{429,
                                "too many requests in flight from this address; wait for "
                                "an answer before sending more"};
            }
            ++n;
        }
        ~InFlight() {
            std::lock_guard lock(s_.flight_mutex);
            const auto it = s_.in_flight.find(address_);
            if (it != s_.in_flight.end() && --it->second == 0) s_.in_flight.erase(it);
        }
        InFlight(const InFlight&) = delete;
        InFlight& operator=(const InFlight&) = delete;

      private:
        Impl& s_;
        std::string address_;
    };

    /// One of the expensive-search slots while it lives; throws HttpError 503 if none comes
    /// free within options.expensive_wait, or at once when as many requests as there are
    /// slots already wait (a waiting request holds a request thread too).
    class ExpensiveSlot {
      public:
        explicit ExpensiveSlot(Impl& s) : s_(s) {
            std::unique_lock lock(s_.expensive_mutex);
            const auto free = [this] { return s_.expensive_running < s_.slots(); };
            bool got = free();
            if (!got && s_.expensive_waiting < s_.slots()) {
                ++s_.expensive_waiting;
                got = s_.expensive_free.wait_for(lock, s_.options.expensive_wait, free);
                --s_.expensive_waiting;
            }
            if (!got) {
                throw HttpError{503,
                                "the server is busy with expensive searches (facets, "
                                "wildcards, phrases); try again"};
            }
            ++s_.expensive_running;
        }
        ~ExpensiveSlot() {
            {
                std::lock_guard lock(s_.expensive_mutex);
                --s_.expensive_running;
            }
            s_.expensive_free.notify_one();
        }
        ExpensiveSlot(const ExpensiveSlot&) = delete;
        ExpensiveSlot& operator=(const ExpensiveSlot&) = delete;

      private:
        Impl& s_;
    };

    [[nodiscard]] std::size_t slots() const {
        return options.expensive_slots != 0 ? options.expensive_slots
                                            : std::max<std::size_t>(1, options.threads / 4);
    }

    template <class F>
    void guarded(const httplib::Request& req, httplib::Response& res, F&& handler) {
        try {
            (void)sent_params(req);
            const InFlight counted(*this, req.remote_addr);
            handler(req, res);
        } catch (const HttpError& e) {
            set_error(res, e.status, e.message);
        } catch (const QueryError& e) {
            set_error(res, 400, e.what());
        } catch (const UsageError& e) {
            // Requests are checked before they reach a Searcher, so a UsageError comes from the
            // server's own settings (e.g. a weighting remote shards cannot run), and its message
            // may name hosts or files.
            log(req.path + ": " + e.what());
            set_error(res, 500, "the server's search settings cannot run on this index");
        } catch (const IndexError& e) {
            log(req.path + ": " + e.what());
            set_error(res, 500, "the index could not be read");
        } catch (const Xapian::Error& e) {
            log(req.path + ": " + e.get_description());
            set_error(res, 500, "the index could not be read");
        } catch (const std::exception& e) {
            log(req.path + ": " + e.what());
            set_error(res, 500, "internal error");
        }
    }

    void search(const httplib::Request& req, httplib::Response& res) {
        const auto started = Clock::now();
        SearchRequest r = options.defaults;
        r.parse = ParseMode::Syntax;
        r.like_id.clear();
        const std::string q = req.get_param_value("q");
        if (q.size() > options.max_query_bytes) {
            throw HttpError{
                400, "q is longer than " + std::to_string(options.max_query_bytes) + " bytes"};
        }
        r.k = number_param(req, "k", 10, 1, options.max_k);
        r.offset = number_param(req, "offset", 0, 0, options.max_offset);
        const std::string sort = req.has_param("sort") ? req.get_param_value("sort") : "relevance";
        if (sort == "relevance") {
            r.sort = SortOrder::Relevance;
        } else if (sort == "date") {
            r.sort = SortOrder::Date;
        } else if (sort == "rating") {
            r.sort = SortOrder::Rating;
        } else if (sort.rfind("topic:", 0) == 0 && sort.size() > 6 &&
                   sort.size() <= 6 + kMaxFilterValueBytes) {
            r.sort = SortOrder::TopicStrength;  // the strongest mentions of the topic first
            r.sort_topic = text::trim(sort.substr(6));
            if (r.sort_topic.empty()) throw HttpError{400, "sort topic: needs a topic"};
        } else {
            throw HttpError{400, "sort takes relevance, date, rating or topic:NAME"};
        }
        if (req.has_param("distinct")) {
            const std::string distinct = req.get_param_value("distinct");
            if (distinct != "0" && distinct != "1") throw HttpError{400, "distinct takes 0 or 1"};
            r.distinct = distinct == "1";
        }
        r.facets.clear();
        for (const std::string& f : text::split(req.get_param_value("facets"), ',')) {
            const std::string name = text::trim(f);
            if (name.empty()) continue;
            if (!is_facet_spec(name)) {
                throw HttpError{400,
                                "facets takes a list of topic (or topic>=N), reviewer, category, "
                                "year, rating"};
            }
            if (std::find(r.facets.begin(), r.facets.end(), name) == r.facets.end())
                r.facets.push_back(name);
        }
        r.facet_limit =
            number_param(req, "facet_limit", std::min<std::size_t>(20, options.max_facet_values), 1,
                         options.max_facet_values);
        const std::size_t n_filters = req.get_param_value_count("filter");
        // Counted as sent: httplib keeps one of several equal filters.
        const auto sent = sent_params(req);
        const auto sent_filters = sent.find("filter");
        if (n_filters > options.max_filters ||
            (sent_filters != sent.end() && sent_filters->second > options.max_filters)) {
            throw HttpError{400, "at most " + std::to_string(options.max_filters) + " filters"};
        }
        std::vector<std::string> filters;
        for (std::size_t i = 0; i < n_filters; ++i)
            filters.push_back(req.get_param_value("filter", i));
        r.query = compose_query(q, filters);
        // q was held to the budget's length above; the filters are bounded on their own.
        r.budget.max_query_bytes = std::max(r.budget.max_query_bytes, r.query.size());
        // With filters the query text holds syntax the user did not write, so the suggestion
        // is asked for the user's words alone, in a second, match-free request.
        const bool suggest_apart = r.suggest && !filters.empty() && !text::trim(q).empty();
        if (suggest_apart) r.suggest = false;

        // Facets count the whole match, and wildcards, phrases and NEAR can cost up to the
        // budget: such searches take turns, so that cheap ones always find a thread.
        std::optional<ExpensiveSlot> slot;
        if (!r.facets.empty() || q.find_first_of("*\"") != std::string::npos ||
            q.find("NEAR") != std::string::npos) {
            slot.emplace(*this);
        }
        SearcherPool::Lease searcher = borrow(started);
        if (r.sort == SortOrder::TopicStrength && !searcher->topic_slots().slot(r.sort_topic)) {
            throw HttpError{400,
                            "sort: this index holds no strengths for topic '" + r.sort_topic + "'"};
        }
        const SearchResult result =
            slot ? lane.run([&] { return searcher->search(r); }) : searcher->search(r);
        std::string suggestion = result.suggestion;
        if (suggest_apart) {
            SearchRequest s = match_free_request(options.defaults, q);
            s.suggest = true;
            suggestion = searcher->search(s).suggestion;
        }
        json hits = json::array();
        for (const Hit& hit : result.hits) hits.push_back(hit_json(hit, Highlight::Html));
        json body = {{"query", q},
                     {"filters", filters},
                     {"sort", sort},
                     {"offset", r.offset},
                     {"k", r.k},
                     {"total", total_json(result.total)},
                     {"distinct", result.distinct},
                     {"copies_collapsed",
                      result.distinct && result.counted
                          ? json(result.counted->documents - result.counted->reviews)
                          : json(nullptr)},
                     {"hits", std::move(hits)},
                     {"facets", facets_json(result.facets)},
                     {"suggestion", suggestion.empty() ? json(nullptr) : json(suggestion)},
                     {"warnings", json::array()}};
        // Searcher's warnings name shards by their paths, so the log gets them and the client a
        // plain notice.
        if (!result.warnings.empty()) {
            for (const std::string& w : result.warnings) log("/api/search: " + w);
            body["warnings"].push_back(
                "part of the index did not answer or reported a problem; the results may be "
                "incomplete");
        }
        // What the query budget cut quotes only the query's words: the client sees it as is.
        for (const std::string& n : result.notices) body["warnings"].push_back(n);
        body["took_ms"] =
            std::round(std::chrono::duration<double, std::milli>(Clock::now() - started).count() *
                       100) /
            100;
        set_json(res, 200, body);
    }

    void review(const httplib::Request& req, httplib::Response& res) {
        const auto started = Clock::now();
        const std::string id = req.matches[1];
        const std::string q = req.get_param_value("q");
        if (q.size() > options.max_query_bytes) {
            throw HttpError{
                400, "q is longer than " + std::to_string(options.max_query_bytes) + " bytes"};
        }
        SearcherPool::Lease searcher = borrow(started);
        const std::optional<Review> review = searcher->fetch(id);
        if (!review) throw HttpError{404, "no review with this id"};
        std::vector<std::string> terms, prefixes;
        if (!text::trim(q).empty()) {
            // The words to mark, analysed as a search would analyse them; no match is needed.
            SearchRequest s = match_free_request(options.defaults, q);
            s.suggest = false;
            try {
                const SearchResult r = searcher->search(s);
                terms = r.terms;
                prefixes = r.prefixes;
            } catch (const QueryError&) {
                // A query that does not parse marks nothing; the review is still shown.
            }
        }
        // Always through a Highlighter, so the body is escaped even when nothing is marked.
        const Highlighter highlighter(searcher->analyzer(), terms, prefixes);
        json body = review_json(*review, Highlight::Html, &highlighter);
        body["source"] = redact(review->source);
        set_json(res, 200, body);
    }

    void stats(const httplib::Request&, httplib::Response& res) {
        const auto started = Clock::now();
        SearcherPool::Lease searcher = borrow(started);
        json j = reading(searcher, [](Searcher& r) { return stats_json(r.database()); });
        if (j["manifest"].is_object() && j["manifest"].contains("inputs")) {
            for (json& in : j["manifest"]["inputs"]) {
                if (in.is_object() && in.contains("path") && in["path"].is_string()) {
                    in["path"] = redact(in["path"].get<std::string>());
                }
            }
        }
        j["limits"] = {{"max_k", options.max_k},
                       {"max_offset", options.max_offset},
                       {"max_query_bytes", options.max_query_bytes},
                       {"max_filters", options.max_filters},
                       {"max_facet_values", options.max_facet_values},
                       {"request_timeout_seconds", options.request_timeout.count()}};
        set_json(res, 200, j);
    }

    void healthz(const httplib::Request&, httplib::Response& res) {
        SearcherPool::Lease searcher = borrow(Clock::now());
        const Xapian::doccount documents =
            reading(searcher, [](Searcher& r) { return r.doc_count(); });
        set_json(res, 200, json{{"status", "ok"}, {"documents", documents}});
    }

    void page(const httplib::Request&, httplib::Response& res) {
        const std::string nonce = make_nonce();
        std::string html(kWebPage);
        for (std::size_t at = html.find(kWebPageNonce); at != std::string::npos;
             at = html.find(kWebPageNonce, at + nonce.size())) {
            html.replace(at, kWebPageNonce.size(), nonce);
        }
        res.status = 200;
        res.set_header(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" + nonce +
                "'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
                "frame-ancestors 'none'");
        res.set_header("Cache-Control", "no-store");
        res.set_content(html, "text/html; charset=utf-8");
    }

    [[nodiscard]] std::string redact(const std::string& path) const { return redactor(path); }

    ServerOptions options;
    SearcherPool pool;
    GuardedServer http;
    /// Threads that run the expensive searches, one per slot, at a lower CPU priority.
    LowPriorityLane lane{slots()};
    std::mutex flight_mutex;
    std::map<std::string, std::size_t> in_flight;  // requests being answered, by client address
    std::mutex expensive_mutex;
    std::condition_variable expensive_free;
    std::size_t expensive_running = 0;
    std::size_t expensive_waiting = 0;
    std::thread listener;
    std::atomic<bool> listener_done{false};
    bool loopback = true;
    int port = 0;
    std::mutex log_mutex;
    PathRedactor redactor;  // set once, before any thread serves
};

HttpServer::HttpServer(const std::string& db_path, ServerOptions options) {
    if (options.threads == 0) throw UsageError("the server needs at least one thread");
    if (options.max_connections_per_client == 0) {
        throw UsageError("the server needs at least one connection per client");
    }
    impl_ = std::make_unique<Impl>(db_path, std::move(options));
    Impl& s = *impl_;
    {
        auto lease = s.pool.borrow(std::chrono::milliseconds(0));
        const json manifest = json::parse(
            (*lease)->database().get_metadata(std::string(schema::kMetaManifest)), nullptr, false);
        s.redactor = PathRedactor(manifest);
    }
    const std::size_t threads = s.options.threads;
    const std::size_t queued = s.options.max_queued_connections;
    s.http.new_task_queue = [threads, queued] { return new BoundedTaskQueue(threads, queued); };
    const auto timeout = static_cast<time_t>(s.options.request_timeout.count());
    s.http.set_read_timeout(timeout, 0);
    s.http.set_write_timeout(timeout, 0);
    s.http.set_keep_alive_timeout(2);
    s.http.set_keep_alive_max_count(1000);
    s.http.set_payload_max_length(4096);
    s.http.set_tcp_nodelay(true);
    // httplib's default also sets SO_REUSEPORT, which lets a second server bind the same port
    // and take half of its connections; a port in use must be an error instead.
    s.http.set_socket_options([](socket_t sock) {
        const int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    s.http.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                                {"Referrer-Policy", "no-referrer"},
                                {"X-Frame-Options", "DENY"}});
    s.loopback = is_loopback_host(s.options.listen.host);
    s.http.set_pre_routing_handler([&s](const httplib::Request& req, httplib::Response& res) {
        if (req.method != "GET" && req.method != "HEAD") {
            res.set_header("Allow", "GET, HEAD");
            // The request's body is never read, so the connection cannot carry another request.
            res.set_header("Connection", "close");
            set_error(res, 405, "this server is read-only: only GET");
            return httplib::Server::HandlerResponse::Handled;
        }
        // DNS rebinding: a page of another site, resolved to 127.0.0.1, sends its own name.
        // Exactly one Host, naming this machine exactly; none, two or anything else is refused.
        if (s.loopback &&
            (req.get_header_value_count("Host") != 1 ||
             !is_loopback_host_header(req.get_header_value("Host"), s.options.listen.host))) {
            set_error(res, 403, "this server answers only requests addressed to this machine");
            return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
    auto route = [&s](void (Impl::*handler)(const httplib::Request&, httplib::Response&)) {
        return [&s, handler](const httplib::Request& req, httplib::Response& res) {
            s.guarded(req, res,
                      [&](const httplib::Request& q, httplib::Response& r) { (s.*handler)(q, r); });
        };
    };
    s.http.Get("/", route(&Impl::page));
    s.http.Get("/index.html", route(&Impl::page));
    s.http.Get("/api/search", route(&Impl::search));
    s.http.Get("/api/review/(.+)", route(&Impl::review));
    s.http.Get("/api/stats", route(&Impl::stats));
    s.http.Get("/healthz", route(&Impl::healthz));
    // httplib's own answers (no route, a malformed request) get a JSON body too; answers that
    // already have one keep it.
    s.http.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
            if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
            const char* message = res.status == 404   ? "not found"
                                  : res.status == 413 ? "request too large"
                                  : res.status == 414 ? "request line too long"
                                  : res.status < 500  ? "bad request"
                                                      : "internal error";
            set_error(res, res.status, message);
            return httplib::Server::HandlerResponse::Handled;
        }));
    s.http.set_exception_handler(
        [&s](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
            s.log(req.path + ": unexpected exception");
            set_error(res, 500, "internal error");
        });
}

HttpServer::~HttpServer() {
    try {
        stop();
    } catch (...) {
        // A destructor must not throw; stop() only joins threads.
    }
}

void HttpServer::start() {
    Impl& s = *impl_;
    if (s.listener.joinable()) throw Error("the server was already started");
    const std::string& host = s.options.listen.host;
    const std::string where = host + ":" + std::to_string(s.options.listen.port);
    if (s.options.listen.port == 0) {
        s.port = s.http.bind_to_any_port(host);
        if (s.port <= 0) throw Error("cannot listen on " + where + ": " + std::strerror(errno));
    } else {
        if (!s.http.bind_to_port(host, s.options.listen.port)) {
            throw Error("cannot listen on " + where + ": " + std::strerror(errno));
        }
        s.port = s.options.listen.port;
    }
    (void)s.http.set_backlog(128);
    s.listener_done = false;
    s.listener = std::thread([&s] {
        if (!s.http.listen_after_bind()) s.log("the listener stopped with an error");
        s.listener_done = true;
    });
    // stop() can only close the listening socket once the accept loop runs, so wait for it.
    while (!s.http.is_running() && !s.listener_done)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void HttpServer::stop() {
    Impl& s = *impl_;
    if (!s.listener.joinable()) return;
    while (!s.http.is_running() && !s.listener_done)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    s.http.stop();
    s.listener.join();
}

int HttpServer::port() const { return impl_->port; }

std::string HttpServer::url() const {
    const std::string& host = impl_->options.listen.host;
    const bool ipv6 = host.find(':') != std::string::npos;
    return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port) + "/";
}

bool HttpServer::running() const { return impl_->listener.joinable() && !impl_->listener_done; }

std::size_t HttpServer::documents() const {
    auto lease = impl_->pool.borrow(std::chrono::milliseconds(impl_->options.request_timeout));
    if (!lease) throw Error("no searcher came free");
    return (*lease)->doc_count();
}

int serve(const std::string& db_path, const ServerOptions& options, std::ostream& err) {
    // Block the stop signals before any thread starts, so every thread inherits the mask and
    // only the sigtimedwait below takes them.
    sigset_t stop_signals, previous;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);
    struct RestoreMask {
        sigset_t mask;
        ~RestoreMask() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
    } restore{previous};

    HttpServer server(db_path, options);
    server.start();
    err << "revsearch-query: serving " << server.documents() << " reviews at " << server.url()
        << " (Ctrl-C stops)\n"
        << std::flush;
    while (server.running()) {
        const timespec tick{0, 200'000'000};
        const int sig = sigtimedwait(&stop_signals, nullptr, &tick);
        if (sig == SIGINT || sig == SIGTERM) break;
    }
    server.stop();
    err << "revsearch-query: stopped\n" << std::flush;
    return 0;
}

}  // namespace revsearch::query
