#include "query/weighting.hpp"

#include <cmath>
#include <cstdio>

#include "common/error.hpp"
#include "common/text.hpp"

namespace revsearch::query {

namespace {

struct Param {
    std::string_view name;
    double fallback;  ///< the value make() uses when the parameter is not given
};

struct SchemeInfo {
    std::string_view name;
    std::initializer_list<Param> params;
};

// The defaults of bm25 are revsearch's (docs/EVALUATION.md), the others Xapian's; lm's
// lambda and mu of -1 let Xapian choose per smoothing.
const SchemeInfo kSchemes[] = {
    // k1=1.6: chosen by leave-one-collection-out cross-validation (docs/EVALUATION.md).
    {"bm25", {{"k1", 1.6}, {"k2", 0}, {"k3", 1}, {"b", 0.5}, {"min_normlen", 0}}},
    {"bm25+", {{"k1", 1}, {"k2", 0}, {"k3", 1}, {"b", 0.5}, {"min_normlen", 0}, {"delta", 1}}},
    {"lm", {{"lambda", -1}, {"mu", -1}, {"log", 1000}, {"delta", 0.05}}},
    {"pl2", {{"c", 1}}},
    {"dph", {}},
    {"tfidf", {}},
    {"bm25std", {{"k1", 1.2}, {"b", 0.75}}},
};

double fallback_of(std::string_view scheme, std::string_view name) {
    for (const auto& s : kSchemes) {
        if (s.name != scheme) continue;
        for (const Param& p : s.params) {
            if (p.name == name) return p.fallback;
        }
    }
    return 0;
}

const SchemeInfo* find_scheme(std::string_view name) {
    for (const auto& s : kSchemes) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

}  // namespace

WeightingSpec WeightingSpec::parse(std::string_view spec) {
    WeightingSpec w;
    const std::size_t colon = spec.find(':');
    w.scheme = std::string(spec.substr(0, colon));
    const SchemeInfo* info = find_scheme(w.scheme);
    if (info == nullptr) {
        throw UsageError("unknown weighting '" + w.scheme + "' (known: bm25, bm25+, lm, pl2, dph, tfidf, bm25std)");
    }
    if (colon == std::string_view::npos) return w;
    for (const std::string& item : text::split(spec.substr(colon + 1), ',')) {
        if (item.empty()) continue;
        const std::size_t eq = item.find('=');
        const std::string key = item.substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
        if ((w.scheme == "tfidf" && (key == "normalization" || eq == std::string::npos)) ||
            (w.scheme == "lm" && key == "smoothing")) {
            w.text_param = eq == std::string::npos ? key : value;
            continue;
        }
        bool known = false;
        for (const Param& p : info->params) known = known || p.name == key;
        char* end = nullptr;
        const double v = std::strtod(value.c_str(), &end);
        if (!known || value.empty() || *end != '\0' || !std::isfinite(v) || v < 0) {
            throw UsageError("bad parameter '" + item + "' for weighting " + w.scheme);
        }
        w.params[key] = v;
    }
    if (w.scheme == "tfidf" && !w.text_param.empty() && w.text_param.size() != 3) {
        throw UsageError("tfidf normalization is three SMART letters, e.g. ntn");
    }
    if (w.scheme == "lm" && !w.text_param.empty()) {
        static constexpr std::string_view kSmoothing[] = {"two-stage", "dirichlet", "jm",
                                                          "absolute", "dirichlet+"};
        bool ok = false;
        for (auto s : kSmoothing) ok = ok || s == w.text_param;
        if (!ok) throw UsageError("lm smoothing is two-stage, dirichlet, jm, absolute or dirichlet+");
    }
    return w;
}

double WeightingSpec::param(const std::string& name, double fallback) const {
    const auto it = params.find(name);
    return it == params.end() ? fallback : it->second;
}

std::string WeightingSpec::describe_all() const {
    WeightingSpec all = *this;
    const SchemeInfo* info = find_scheme(scheme);
    if (info != nullptr) {
        for (const Param& p : info->params) all.params.emplace(std::string(p.name), p.fallback);
    }
    if (scheme == "lm" && all.text_param.empty()) all.text_param = "two-stage";
    if (scheme == "tfidf" && all.text_param.empty()) all.text_param = "ntn";
    return all.describe();
}

std::string WeightingSpec::describe() const {
    std::string out = scheme;
    char sep = ':';
    if (!text_param.empty()) {
        out += sep + text_param;
        sep = ',';
    }
    for (const auto& [k, v] : params) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%g", v);
        out += sep + k + "=" + buf;
        sep = ',';
    }
    return out;
}

std::unique_ptr<Xapian::Weight> WeightingSpec::make() const {
    if (scheme == "bm25") {
        return std::make_unique<Xapian::BM25Weight>(param("k1", fallback_of("bm25", "k1")), param("k2", 0),
                                                    param("k3", 1), param("b", fallback_of("bm25", "b")),
                                                    param("min_normlen", fallback_of("bm25", "min_normlen")));
    }
    if (scheme == "bm25+") {
        return std::make_unique<Xapian::BM25PlusWeight>(param("k1", 1), param("k2", 0),
                                                        param("k3", 1), param("b", 0.5),
                                                        param("min_normlen", 0), param("delta", 1));
    }
    if (scheme == "lm") {
        using L = Xapian::Weight::type_smoothing;
        L smoothing = Xapian::Weight::TWO_STAGE_SMOOTHING;
        double p1 = param("lambda", -1), p2 = param("mu", -1);
        if (text_param == "dirichlet") {
            smoothing = Xapian::Weight::DIRICHLET_SMOOTHING;
            p1 = param("mu", 2000);  // for Dirichlet the first parameter is mu
            p2 = -1;
        } else if (text_param == "jm") {
            smoothing = Xapian::Weight::JELINEK_MERCER_SMOOTHING;
        } else if (text_param == "absolute") {
            smoothing = Xapian::Weight::ABSOLUTE_DISCOUNT_SMOOTHING;
        } else if (text_param == "dirichlet+") {
            smoothing = Xapian::Weight::DIRICHLET_PLUS_SMOOTHING;
            p1 = param("mu", 2000);
            p2 = param("delta", 0.05);
        }
        // log=0 lets Xapian clamp every negative log weight to 0, which on small indexes
        // scores all matches 0; 1000 keeps them apart (measured in tests and bench).
        return std::make_unique<Xapian::LMWeight>(param("log", 1000), smoothing, p1, p2);
    }
    if (scheme == "pl2") return std::make_unique<Xapian::PL2Weight>(param("c", 1));
    if (scheme == "dph") return std::make_unique<Xapian::DPHWeight>();
    if (scheme == "tfidf") {
        return std::make_unique<Xapian::TfIdfWeight>(text_param.empty() ? "ntn" : text_param);
    }
    return std::make_unique<StandardBm25Weight>(param("k1", 1.2), param("b", 0.75));
}

// ---------------------------------------------------------------- StandardBm25Weight

StandardBm25Weight::StandardBm25Weight(double k1, double b) : k1_(k1), b_(b) {
    need_stat(COLLECTION_SIZE);
    need_stat(TERMFREQ);
    need_stat(WDF);
    need_stat(WQF);
    need_stat(DOC_LENGTH);
    need_stat(AVERAGE_LENGTH);
}

std::string StandardBm25Weight::name() const { return "revsearch::StandardBm25Weight"; }

std::string StandardBm25Weight::serialise() const {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g %.17g", k1_, b_);
    return buf;
}

StandardBm25Weight* StandardBm25Weight::unserialise(const std::string& s) const {
    double k1 = 0, b = 0;
    if (std::sscanf(s.c_str(), "%lf %lf", &k1, &b) != 2) {
        throw Xapian::SerialisationError("bad StandardBm25Weight parameters: " + s);
    }
    return new StandardBm25Weight(k1, b);
}

StandardBm25Weight* StandardBm25Weight::clone() const { return new StandardBm25Weight(k1_, b_); }

void StandardBm25Weight::init(double factor) {
    if (factor == 0.0) {
        idf_ = 0;  // the term-independent part: no extra weight
        return;
    }
    const double n_docs = static_cast<double>(get_collection_size());
    const double df = static_cast<double>(get_termfreq());
    idf_ = factor * static_cast<double>(get_wqf()) * std::log(1.0 + (n_docs - df + 0.5) / (df + 0.5));
}

double StandardBm25Weight::get_sumpart(Xapian::termcount wdf, Xapian::termcount doclen,
                                       Xapian::termcount) const {
    if (wdf == 0) return 0;
    const double avdl = get_average_length();
    const double norm = avdl > 0 ? (1 - b_ + b_ * static_cast<double>(doclen) / avdl) : 1.0;
    const double tf = static_cast<double>(wdf);
    return idf_ * tf * (k1_ + 1) / (tf + k1_ * norm);
}

double StandardBm25Weight::get_maxpart() const {
    // tf * (k1 + 1) / (tf + k1 * norm) < k1 + 1 for any tf and norm > 0.
    return idf_ * (k1_ + 1);
}

double StandardBm25Weight::get_sumextra(Xapian::termcount, Xapian::termcount) const { return 0; }
double StandardBm25Weight::get_maxextra() const { return 0; }

}  // namespace revsearch::query
