//! Scores and grades (Annex 1 §3: the results feed rewards and the grading
//! of the parks' management bodies).
//!
//! The score of a park:
//!
//! ```text
//! ratio_i = value_i / benchmark_i      (E1–E6, E10, E11: higher is better)
//!         = benchmark_i / value_i      (E7–E9: lower is better; value 0 → the cap)
//! ratio_i = min(ratio_i, ratio_cap)    (default cap 2)
//! score   = Σ_groups 100 · w_g / W · (Σ_{i in g} ratio_i) / n_g
//! ```
//!
//! with `w_g` the group weight, `W` the sum of the four weights and `n_g` the
//! number of indicators in the group (3, 3, 3, 2). A park at the benchmark
//! of every indicator scores 100; the most a park can score is
//! 100 × `ratio_cap`.
//!
//! A missing indicator (`None`) contributes 0: not reporting never earns
//! more than reporting. An indicator without a usable benchmark (no park
//! reports it, or the benchmark is 0, e.g. the median park has no patents)
//! contributes 0 for every park, and the thresholds table says so.
//! Ratios are not rounded; the score is rounded once by
//! [`round`]. Inputs are the published (rounded)
//! indicator values and benchmarks.
//!
//! Grades go by rank: see [`grade_cutoffs`].

use super::indicators::{round, Group, Indicator};
use super::{BenchmarkMode, Evaluation, EvaluationConfig, GradeShares};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// A grade by rank.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Grade {
    /// Top share (default 20%).
    A,
    /// Next share (default 40%).
    B,
    /// Next share (default 35%).
    C,
    /// The rest (default 5%).
    D,
}

impl Grade {
    /// `"A"` … `"D"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }
}

/// Where a benchmark came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BenchmarkSource {
    /// `[evaluation.benchmarks]` (absolute mode).
    Absolute,
    /// The median of this many evaluated parks reporting the indicator.
    Median {
        /// Parks the median was taken over.
        parks: usize,
    },
    /// Absolute mode, but no absolute value is configured: the median of
    /// this many parks.
    MedianFallback {
        /// Parks the median was taken over.
        parks: usize,
    },
}

/// The benchmark an indicator was scored against.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Benchmark {
    /// The indicator.
    #[serde(serialize_with = "ser_indicator")]
    pub indicator: Indicator,
    /// The benchmark (rounded); `None` when there is none (no park reports
    /// the indicator).
    pub value: Option<Decimal>,
    /// Where it came from.
    pub source: BenchmarkSource,
    /// Points the indicator adds at ratio 1 (its weight × 100), rounded.
    pub points: Decimal,
}

impl Benchmark {
    /// Whether the indicator is scored at all: a benchmark > 0.
    pub fn usable(&self) -> bool {
        self.value.is_some_and(|v| v > Decimal::ZERO)
    }
}

fn ser_indicator<S: serde::Serializer>(i: &Indicator, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(i.name())
}

/// Rank cut-offs: ranks `1..=a_last` are A, `a_last+1..=b_last` B,
/// `b_last+1..=c_last` C, the rest D.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GradeCutoffs {
    /// Number of graded parks.
    pub graded: usize,
    /// Last rank graded A (0 = none).
    pub a_last: usize,
    /// Last rank graded B.
    pub b_last: usize,
    /// Last rank graded C.
    pub c_last: usize,
}

impl GradeCutoffs {
    /// The grade of `rank` (1-based).
    pub fn grade(&self, rank: usize) -> Grade {
        if rank <= self.a_last {
            Grade::A
        } else if rank <= self.b_last {
            Grade::B
        } else if rank <= self.c_last {
            Grade::C
        } else {
            Grade::D
        }
    }
}

/// The rank cut-offs for `n` graded parks.
///
/// Rule: each cut-off is the cumulative share times `n`, rounded to the
/// nearest whole rank with halves rounded up, computed in decimal (no
/// binary-float error at exact halves):
/// `a_last = round(n·a)`, `b_last = round(n·(a+b))`, `c_last = round(n·(a+b+c))`.
/// With the defaults and n = 10: 2, 6, round(9.5) = 10 — no D; with n = 11:
/// round(2.2) = 2, round(6.6) = 7, round(10.45) = 10 — one D; with n = 20:
/// 4, 12, 19. Parks are ranked by score, highest first, equal scores by
/// park_id, so equal scores on either side of a cut-off get different grades,
/// deterministically.
pub fn grade_cutoffs(n: usize, shares: &GradeShares) -> GradeCutoffs {
    let dec = |x: f64| Decimal::from_f64(x).filter(|d| *d >= Decimal::ZERO).unwrap_or(Decimal::ZERO);
    let nd = Decimal::from(n);
    let cut = |cum: Decimal| {
        nd.checked_mul(cum)
            .map(|x| x.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero))
            .and_then(|x| x.to_usize())
            .unwrap_or(n)
            .min(n)
    };
    let (a, b, c) = (dec(shares.a), dec(shares.b), dec(shares.c));
    let a_last = cut(a);
    let ab = a.checked_add(b);
    let b_last = ab.map_or(n, cut).max(a_last);
    let c_last = ab.and_then(|ab| ab.checked_add(c)).map_or(n, cut).max(b_last);
    GradeCutoffs { graded: n, a_last, b_last, c_last }
}

/// The median of `values` (the mean of the two middle values for an even
/// count), rounded by [`round`]; `None` for no values.
pub fn median(values: &[Decimal]) -> Option<Decimal> {
    let mut v = values.to_vec();
    v.sort();
    let n = v.len();
    let m = match n {
        0 => return None,
        _ if n % 2 == 1 => v[n / 2],
        _ => v[n / 2 - 1] / Decimal::TWO + v[n / 2] / Decimal::TWO,
    };
    Some(round(m))
}

/// The values of `indicator` over the in-scope parks that report it.
pub(crate) fn reported(eval: &Evaluation, indicator: Indicator) -> Vec<Decimal> {
    eval.parks.iter().filter(|p| p.in_scope).filter_map(|p| p.get(indicator)).collect()
}

/// The benchmark of every indicator under `cfg`.
pub(crate) fn benchmarks(eval: &Evaluation, cfg: &EvaluationConfig) -> Vec<Benchmark> {
    let points = indicator_points(cfg);
    Indicator::ALL
        .into_iter()
        .map(|i| {
            let values = reported(eval, i);
            let absolute = match cfg.benchmark_mode {
                BenchmarkMode::Absolute => cfg.benchmarks.get(i).and_then(Decimal::from_f64).map(round),
                BenchmarkMode::Median => None,
            };
            let (value, source) = match (absolute, cfg.benchmark_mode) {
                (Some(v), _) => (Some(v), BenchmarkSource::Absolute),
                (None, BenchmarkMode::Absolute) => {
                    (median(&values), BenchmarkSource::MedianFallback { parks: values.len() })
                }
                (None, BenchmarkMode::Median) => (median(&values), BenchmarkSource::Median { parks: values.len() }),
            };
            Benchmark { indicator: i, value, source, points: round(points[i.index()]) }
        })
        .collect()
}

/// The group weights as decimals and their sum; `None` when they cannot
/// be used (negative, not finite, all zero, or too large to add up), in
/// which case nothing scores ([`EvaluationConfig::check`] rejects such a
/// configuration).
fn weights(cfg: &EvaluationConfig) -> Option<([Decimal; 4], Decimal)> {
    let w = Group::ALL.map(|g| Decimal::from_f64(cfg.weights.get(g)).filter(|d| *d >= Decimal::ZERO));
    let mut out = [Decimal::ZERO; 4];
    let mut total = Decimal::ZERO;
    for (k, v) in w.into_iter().enumerate() {
        out[k] = v?;
        total = total.checked_add(out[k])?;
    }
    (total > Decimal::ZERO).then_some((out, total))
}

/// `100 · w_g · x / (W · n_g)`: the points of a group whose ratios sum to
/// `x` (multiplied before dividing, so that round weights stay exact).
fn group_points(g: Group, x: Decimal, (w, total): &([Decimal; 4], Decimal)) -> Option<Decimal> {
    let n = Decimal::from(g.members().count());
    Decimal::ONE_HUNDRED.checked_mul(w[g as usize])?.checked_mul(x)?.checked_div(total.checked_mul(n)?)
}

/// The points of each indicator at ratio 1, unrounded.
fn indicator_points(cfg: &EvaluationConfig) -> [Decimal; Indicator::COUNT] {
    let w = weights(cfg);
    Indicator::ALL.map(|i| w.as_ref().and_then(|w| group_points(i.group(), Decimal::ONE, w)).unwrap_or(Decimal::ZERO))
}

/// min(value / benchmark, cap), inverted for lower-is-better indicators;
/// `None` when the indicator does not count (missing value or benchmark).
pub fn ratio(
    indicator: Indicator,
    value: Option<Decimal>,
    benchmark: Option<Decimal>,
    cap: Decimal,
) -> Option<Decimal> {
    let v = value?;
    let b = benchmark.filter(|b| *b > Decimal::ZERO)?;
    let r = if indicator.lower_is_better() {
        if v.is_zero() {
            cap
        } else {
            b.checked_div(v).unwrap_or(cap)
        }
    } else {
        v.checked_div(b).unwrap_or(cap)
    };
    Some(r.min(cap))
}

/// The score of one park's values against `benchmarks`, rounded; 0 when
/// the weights cannot be used.
pub fn score(
    values: &[Option<Decimal>; Indicator::COUNT],
    benchmarks: &[Benchmark],
    cfg: &EvaluationConfig,
) -> Decimal {
    let cap = Decimal::from_f64(cfg.ratio_cap).filter(|c| *c > Decimal::ZERO).unwrap_or(Decimal::TWO);
    let Some(w) = weights(cfg) else {
        return Decimal::ZERO;
    };
    let mut s = Some(Decimal::ZERO);
    for g in Group::ALL {
        let mut ratios = g
            .members()
            .filter_map(|i| ratio(i, values[i.index()], benchmarks.get(i.index()).and_then(|b| b.value), cap));
        let sum = ratios.try_fold(Decimal::ZERO, |acc, r| acc.checked_add(r));
        s = s.zip(sum.and_then(|x| group_points(g, x, &w))).and_then(|(a, b)| a.checked_add(b));
    }
    s.map_or(Decimal::ZERO, round)
}

/// Benchmarks, scores, ranks and grades of the in-scope parks.
pub(crate) fn score_and_grade(eval: &mut Evaluation, cfg: &EvaluationConfig) {
    let bench = benchmarks(eval, cfg);
    for p in eval.parks.iter_mut().filter(|p| p.in_scope) {
        p.score = Some(score(&p.values(), &bench, cfg));
    }
    let mut ranked: Vec<usize> = (0..eval.parks.len()).filter(|i| eval.parks[*i].in_scope).collect();
    // Highest score first; equal scores by park_id.
    ranked.sort_by(|a, b| {
        let (pa, pb) = (&eval.parks[*a], &eval.parks[*b]);
        pb.score.cmp(&pa.score).then_with(|| pa.park_id.cmp(&pb.park_id))
    });
    let cut = grade_cutoffs(ranked.len(), &cfg.grades);
    for (k, i) in ranked.into_iter().enumerate() {
        let p = &mut eval.parks[i];
        p.rank = Some(k + 1);
        p.grade = Some(cut.grade(k + 1));
    }
    eval.benchmarks = bench;
    eval.grade_cutoffs = cut;
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::evaluate::{evaluate, parse_stats, AbsoluteBenchmarks, GroupWeights, ParkFacts};
    use crate::units::Mu;
    use std::collections::BTreeMap;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("a decimal literal")
    }

    #[test]
    fn cutoffs_round_cumulative_shares_half_up() {
        let g = GradeShares::default();
        // n = 10: 10·0.2 = 2, 10·0.6 = 6, 10·0.95 = 9.5 → 10: no D.
        assert_eq!(grade_cutoffs(10, &g), GradeCutoffs { graded: 10, a_last: 2, b_last: 6, c_last: 10 });
        // n = 11: 2.2 → 2, 6.6 → 7, 10.45 → 10.
        assert_eq!(grade_cutoffs(11, &g), GradeCutoffs { graded: 11, a_last: 2, b_last: 7, c_last: 10 });
        // n = 20: 4, 12, 19; n = 100: 20, 60, 95.
        assert_eq!(grade_cutoffs(20, &g), GradeCutoffs { graded: 20, a_last: 4, b_last: 12, c_last: 19 });
        assert_eq!(grade_cutoffs(100, &g), GradeCutoffs { graded: 100, a_last: 20, b_last: 60, c_last: 95 });
        // n = 1: 0.2 → 0, 0.6 → 1: a lone park is B. n = 0: nothing.
        assert_eq!(grade_cutoffs(1, &g).grade(1), Grade::B);
        assert_eq!(grade_cutoffs(0, &g), GradeCutoffs::default());
        // n = 5: 1, 3, 4.75 → 5.
        let c = grade_cutoffs(5, &g);
        assert_eq!([1, 2, 3, 4, 5].map(|r| c.grade(r)), [Grade::A, Grade::B, Grade::B, Grade::C, Grade::C]);
    }

    #[test]
    fn absurd_configuration_values_do_not_panic() {
        let (parks, text) = hand_table();
        let t = parse_stats(&text, "stats.csv", &BTreeMap::new()).expect("usable").0;
        for (w, cap, share) in
            [(1e27, 1e27, 1e27), (f64::NAN, f64::INFINITY, f64::NAN), (-1.0, -1.0, -1.0), (0.0, 0.0, 0.0)]
        {
            let cfg = EvaluationConfig {
                ratio_cap: cap,
                weights: GroupWeights { total: w, efficiency: w, green: w, innovation: w },
                grades: GradeShares { a: share, b: share, c: share },
                ..EvaluationConfig::default()
            };
            assert!(cfg.check().is_err());
            let e = evaluate(&parks, Some(&t), &cfg);
            assert_eq!(e.parks.iter().filter(|p| p.grade.is_some()).count(), 11);
        }
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[d("3"), d("1"), d("2")]), Some(d("2")));
        assert_eq!(median(&[d("4"), d("1"), d("2"), d("10")]), Some(d("3")));
        assert_eq!(median(&[d("1"), d("2.00005")]), Some(d("1.5")), "1.500025 → 1.5");
    }

    #[test]
    fn ratios_are_inverted_for_lower_is_better_and_capped() {
        let cap = Decimal::TWO;
        assert_eq!(ratio(Indicator::E4, Some(d("150")), Some(d("100")), cap), Some(d("1.5")));
        assert_eq!(ratio(Indicator::E4, Some(d("500")), Some(d("100")), cap), Some(d("2")));
        assert_eq!(ratio(Indicator::E7, Some(d("2")), Some(d("1")), cap), Some(d("0.5")));
        assert_eq!(ratio(Indicator::E7, Some(d("0")), Some(d("1")), cap), Some(d("2")), "zero energy: the cap");
        assert_eq!(ratio(Indicator::E4, None, Some(d("1")), cap), None);
        assert_eq!(ratio(Indicator::E11, Some(d("3")), Some(d("0")), cap), None, "a 0 benchmark does not count");
    }

    // ------------------------------------------------------------------
    // A hand-worked table of 12 parks (P01–P11 in scope, P12 out of scope).
    //
    // Config: absolute benchmarks, cap 2, weights total 0.3, efficiency
    // 0.3, green 0.3, innovation 0.1 (W = 1). Points per indicator at ratio 1:
    // 100·0.3/3 = 10 for E1–E9, 100·0.1/2 = 5 for E10, E11.
    // Benchmarks: E1 100000, E2 20000, E3 5000, E4 100, E5 20, E6 5,
    // E7 1, E8 10, E9 100, E10 2, E11 10.
    //
    // Base park (built-up 1000 mu): output 100000, investment 20000, tax
    // 5000, value added 20000, energy 20000, water 200000, pollutant 100,
    // R&D 1600, revenue 80000, patents 10. Then E4 = 100, E5 = 20, E6 = 5,
    // E7 = 1, E8 = 10, E10 = 2%: every ratio 1, score 9·10 + 2·5 = 100.
    //
    // P01 base                                        → 100
    // P02 output 300000: E1 3 → 2, E4 300/100 = 3 → 2  → 100 + 10 + 10 = 120
    // P03 energy 40000: E7 = 2, ratio 1/2             → 100 − 5 = 95
    // P04 water not reported: E8 null, 0              → 100 − 10 = 90
    // P05 no measured built-up, 500 mu declared:
    //     E4 200, E5 40, E6 10: ratios 2, 2, 2         → 100 + 30 = 130
    // P06 no stats row: every indicator null          → 0
    // P07 pollutant 0: E9 ratio = the cap 2           → 110
    // P08 as P03                                      → 95
    // P09 R&D 0 and patents 0: E10 0, E11 0           → 100 − 5 − 5 = 90
    // P10 energy 60000: E7 = 3, ratio 1/3             → 90 + 10/3 = 93.3333…
    //                                                 → 93.3333
    // P11 output 20000, investment 4000: E1 0.2, E2 0.2, E4 20 → 0.2,
    //     E5 4 → 0.2                                  → 100 − 4·8 = 68
    // P12 out of scope (logistics): has a row, not scored, no finding.
    //
    // Ranking (score desc, then park_id):
    //  1 P05 130, 2 P02 120, 3 P07 110, 4 P01 100, 5 P03 95, 6 P08 95,
    //  7 P10 93.3333, 8 P04 90, 9 P09 90, 10 P11 68, 11 P06 0.
    // n = 11 → cut-offs round(2.2) = 2, round(6.6) = 7, round(10.45) = 10:
    //  A: P05, P02;  B: P07, P01, P03, P08, P10;  C: P04, P09, P11;  D: P06.
    // ------------------------------------------------------------------
    const HEADER: &str = "park_id,block_id,industrial_output_wan,fixed_asset_investment_wan,tax_wan,\
industrial_value_added_wan,energy_tce,water_m3,pollutant_t,rnd_wan,main_revenue_wan,invention_patents,\
leading_output_wan";

    fn base(park: &str, f: impl Fn(&mut [String; 11])) -> String {
        let mut v = ["100000", "20000", "5000", "20000", "20000", "200000", "100", "1600", "80000", "10", "80000"]
            .map(String::from);
        f(&mut v);
        format!("{park},{park}-1,{}\n", v.join(","))
    }

    fn table_config() -> EvaluationConfig {
        EvaluationConfig {
            benchmark_mode: BenchmarkMode::Absolute,
            benchmarks: AbsoluteBenchmarks {
                e1_output_wan: Some(100000.0),
                e2_investment_wan: Some(20000.0),
                e3_tax_wan: Some(5000.0),
                e4_output_per_mu: Some(100.0),
                e5_investment_per_mu: Some(20.0),
                e6_tax_per_mu: Some(5.0),
                e7_energy_per_va: Some(1.0),
                e8_water_per_va: Some(10.0),
                e9_pollutant_t: Some(100.0),
                e10_rnd_share_pct: Some(2.0),
                e11_patents: Some(10.0),
            },
            ratio_cap: 2.0,
            weights: GroupWeights { total: 0.3, efficiency: 0.3, green: 0.3, innovation: 0.1 },
            ..EvaluationConfig::default()
        }
    }

    pub(crate) fn hand_table() -> (Vec<ParkFacts>, String) {
        let mut rows = String::from(HEADER);
        rows.push('\n');
        rows += &base("P01", |_| {});
        rows += &base("P02", |v| v[0] = "300000".into());
        rows += &base("P03", |v| v[4] = "40000".into());
        rows += &base("P04", |v| v[5] = String::new());
        rows += &base("P05", |_| {});
        rows += &base("P07", |v| v[6] = "0".into());
        rows += &base("P08", |v| v[4] = "40000".into());
        rows += &base("P09", |v| {
            v[7] = "0".into();
            v[9] = "0".into();
        });
        rows += &base("P10", |v| v[4] = "60000".into());
        rows += &base("P11", |v| {
            v[0] = "20000".into();
            v[1] = "4000".into();
            v[10] = "16000".into();
        });
        rows += &base("P12", |_| {});
        let parks = (1..=12)
            .map(|k| {
                let id = format!("P{k:02}");
                ParkFacts {
                    block_ids: vec![format!("{id}-1")],
                    in_scope: k != 12,
                    builtup_mu: (k != 5).then_some(Mu(1000.0)),
                    builtup_declared_mu: (k == 5).then_some(500.0),
                    leading_industries: vec!["新材料".into()],
                    league_adcode: Some(if k % 2 == 0 { "150200" } else { "150100" }.into()),
                    park_id: id,
                    ..ParkFacts::default()
                }
            })
            .collect();
        (parks, rows)
    }

    #[test]
    fn hand_worked_table_of_eleven_parks() {
        let (parks, text) = hand_table();
        let (t, f) = parse_stats(&text, "stats.csv", &BTreeMap::new()).expect("usable");
        assert!(f.is_empty(), "{f:?}");
        let e = evaluate(&parks, Some(&t), &table_config());
        use Grade::*;
        let want = [
            ("P01", "100", 4, B),
            ("P02", "120", 2, A),
            ("P03", "95", 5, B),
            ("P04", "90", 8, C),
            ("P05", "130", 1, A),
            ("P06", "0", 11, D),
            ("P07", "110", 3, B),
            ("P08", "95", 6, B),
            ("P09", "90", 9, C),
            ("P10", "93.3333", 7, B),
            ("P11", "68", 10, C),
        ];
        assert_eq!(e.parks.len(), 12);
        for ((id, s, r, g), p) in want.iter().zip(&e.parks) {
            let got = (p.park_id.as_str(), p.score, p.rank, p.grade);
            assert_eq!(got, (*id, Some(d(s)), Some(*r), Some(*g)), "park {id}");
        }
        let p12 = &e.parks[11];
        assert_eq!((p12.park_id.as_str(), p12.in_scope, p12.score, p12.grade), ("P12", false, None, None));
        assert_eq!(p12.e1_output_wan, None, "out of scope: listed, never evaluated");
        assert!(!e.findings.iter().any(|f| f.park_id.as_deref() == Some("P12")), "no finding for P12");
        assert_eq!(e.grade_cutoffs, GradeCutoffs { graded: 11, a_last: 2, b_last: 7, c_last: 10 });
        assert_eq!(e.parks[4].builtup_source, crate::evaluate::BuiltupSource::Declared);
        // Points at ratio 1: 10 for E1–E9, 5 for E10–E11.
        assert_eq!(e.benchmarks.iter().map(|b| b.points).sum::<Decimal>(), d("100"));
        assert_eq!(e.benchmarks[9].points, d("5"));
    }

    /// Median mode, default weights (points 20/3 for E1–E3, 40/3 for E4–E6,
    /// 20/3 for E7–E9, 10 for E10–E11), three parks reporting only E1 and E4:
    ///   M1: E1 100, E4 1;  M2: E1 300, E4 2;  M3: E1 200, E4 4 (built-up 1 mu)
    ///   medians: E1 200, E4 2.
    ///   M1: 20/3·0.5 + 40/3·0.5 = 10/3 + 20/3 = 10
    ///   M2: 20/3·1.5 + 40/3·1 = 10 + 13.3333… = 23.3333
    ///   M3: 20/3·1 + 40/3·2 = 6.6667 + 26.6667 = 33.3333
    #[test]
    fn median_benchmarks_with_default_weights() {
        let h = "park_id,block_id,industrial_output_wan\n";
        let t = parse_stats(&format!("{h}M1,,100\nM2,,300\nM3,,200\n"), "s.csv", &BTreeMap::new()).expect("usable").0;
        let parks: Vec<ParkFacts> = [("M1", 100.0), ("M2", 150.0), ("M3", 50.0)]
            .map(|(id, mu)| ParkFacts {
                park_id: id.into(),
                in_scope: true,
                builtup_mu: Some(Mu(mu)),
                leading_industries: vec!["a".into()],
                ..ParkFacts::default()
            })
            .to_vec();
        let e = evaluate(&parks, Some(&t), &EvaluationConfig::default());
        assert_eq!(e.benchmarks[0].value, Some(d("200")));
        assert_eq!(e.benchmarks[0].source, BenchmarkSource::Median { parks: 3 });
        assert_eq!(e.benchmarks[3].value, Some(d("2")));
        assert_eq!(e.benchmarks[1].value, None, "nobody reports investment");
        let scores: Vec<_> = e.parks.iter().map(|p| p.score).collect();
        assert_eq!(scores, vec![Some(d("10")), Some(d("23.3333")), Some(d("33.3333"))]);
        assert_eq!(
            e.parks.iter().map(|p| p.grade).collect::<Vec<_>>(),
            vec![Some(Grade::C), Some(Grade::B), Some(Grade::A)]
        );
    }

    #[test]
    fn absolute_mode_falls_back_to_the_median_where_no_value_is_set() {
        let (parks, text) = hand_table();
        let t = parse_stats(&text, "stats.csv", &BTreeMap::new()).expect("usable").0;
        let cfg = EvaluationConfig { benchmark_mode: BenchmarkMode::Absolute, ..EvaluationConfig::default() };
        let e = evaluate(&parks, Some(&t), &cfg);
        assert_eq!(e.benchmarks[4].source, BenchmarkSource::Absolute);
        assert_eq!(e.benchmarks[4].value, Some(d("599")));
        assert_eq!(e.benchmarks[5].value, Some(d("45")));
        // E1 over the 10 reporting in-scope parks (P06 has no row, P12 is out
        // of scope): 20000, 8 × 100000, 300000 → median 100000.
        assert_eq!(e.benchmarks[0].source, BenchmarkSource::MedianFallback { parks: 10 });
        assert_eq!(e.benchmarks[0].value, Some(d("100000")));
    }
}
