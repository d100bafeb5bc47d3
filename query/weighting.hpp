#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <xapian.h>

namespace revsearch::query {

/// A ranking function and its parameters, as named on the command line:
/// `SCHEME[:name=value,...]`, for example `bm25:k1=1.2,b=0.75`, `lm:smoothing=dirichlet,mu=2000`.
///
/// | scheme | class | parameters (defaults are Xapian's unless said) |
/// | --- | --- | --- |
/// | bm25 | Xapian::BM25Weight | k1=1.6 (Xapian 1), k2=0, k3=1, b=0.5, min_normlen=0 (Xapian 0.5) |
/// | bm25+ | Xapian::BM25PlusWeight | k1=1, k2=0, k3=1, b=0.5, min_normlen=0, delta=1 |
/// | lm | Xapian::LMWeight | smoothing=two-stage|dirichlet|jm|absolute|dirichlet+, lambda, mu, log |
/// | pl2 | Xapian::PL2Weight | c=1 |
/// | dph | Xapian::DPHWeight | none |
/// | tfidf | Xapian::TfIdfWeight | normalization=ntn (SMART notation) |
/// | bm25std | StandardBm25Weight (ours, local databases only) | k1=1.2, b=0.75 |
///
/// The shipped default, `bm25`, is Xapian's BM25Weight (a built-in class, so xapian-tcpsrv
/// shards can run it) with k1=1.6, b=0.5, min_normlen=0: chosen by leave-one-collection-out
/// cross-validation over Cranfield, CACM and NPL with revsearch's stop words and the titles in
/// the default field (docs/EVALUATION.md, bench/effectiveness).
struct WeightingSpec {
    std::string scheme = "bm25";
    std::map<std::string, double> params;
    std::string text_param;  ///< tfidf's normalization, lm's smoothing name

    /// Parses the command-line form. Throws UsageError for an unknown scheme or parameter.
    [[nodiscard]] static WeightingSpec parse(std::string_view spec);

    /// The command-line form, with the parameters that were given.
    [[nodiscard]] std::string describe() const;
    /// The command-line form with every parameter the weighting uses, defaults included,
    /// for run manifests: `bm25` reads `bm25:b=0.5,k1=1.6,k2=0,k3=1,min_normlen=0`.
    [[nodiscard]] std::string describe_all() const;

    /// A new weighting object. Thread-safe (creates a fresh object each call).
    [[nodiscard]] std::unique_ptr<Xapian::Weight> make() const;

    /// True when Xapian's remote backend can use it (only Xapian's own classes).
    [[nodiscard]] bool is_builtin() const { return scheme != "bm25std"; }

    [[nodiscard]] double param(const std::string& name, double fallback) const;
};

/// BM25 as Robertson et al. define it and Lucene and Terrier implement it, for comparison with
/// published figures. Xapian's BM25Weight differs in two ways that matter on small
/// collections: it damps the idf of common terms, and it has min_normlen.
///
///   w(t, d) = idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avdl))
///   idf(t)  = ln(1 + (N - n + 0.5) / (n + 0.5))
///
/// with tf the wdf, dl the document length, N the collection size and n the term's document
/// frequency (S. Robertson and H. Zaragoza, "The Probabilistic Relevance Framework: BM25 and
/// Beyond", Foundations and Trends in IR 3(4), 2009, eq. 3.30, with the non-negative idf of
/// Lucene's BM25Similarity). Query-term repetition multiplies the weight (wqf).
/// It cannot be used over Xapian's remote backend: xapian-tcpsrv knows only its own classes.
class StandardBm25Weight : public Xapian::Weight {
public:
    StandardBm25Weight(double k1 = 1.2, double b = 0.75);

    std::string name() const override;
    std::string serialise() const override;
    StandardBm25Weight* unserialise(const std::string& serialised) const override;
    double get_sumpart(Xapian::termcount wdf, Xapian::termcount doclen,
                       Xapian::termcount uniqterms) const override;
    double get_maxpart() const override;
    double get_sumextra(Xapian::termcount doclen, Xapian::termcount uniqterms) const override;
    double get_maxextra() const override;

private:
    StandardBm25Weight* clone() const override;
    void init(double factor) override;

    double k1_, b_;
    double idf_ = 0;  ///< times factor and the wqf part
};

}  // namespace revsearch::query
