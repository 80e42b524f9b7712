//! Hand-worked scenarios (answers derived on paper) and invariants on seeded
//! random layouts, checked against a plain scan of every receiver.
//!
//! Parks are 0.01° squares on the band 40.00–40.01°N, so the gap between two
//! of them is along a parallel and is closest at their northern corners.
//! Expected distances are from pyproj 3.7.2, e.g.
//! `Geod(ellps='GRS80').inv(110.06, 40.01, 110.10, 40.01)[2]` = 3415.256 m.

use super::*;
use crate::geom::testkit::{star, Rng};
use crate::units::round_to;

fn sq(x: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![geo::Rect::new((x, 40.0), (x + 0.01, 40.01)).to_polygon()])
}

fn park(id: &str, county: &str, x: f64) -> MergeParty {
    MergeParty {
        park_id: id.into(),
        county_adcode: county.into(),
        league_adcode: format!("{}00", &county[..4]),
        in_scope: true,
        underperforming: false,
        score: Some(50.0),
        z2_majority: false,
        leading_industries: vec!["新材料".into()],
        block_ids: vec![format!("{id}-1")],
        geom: sq(x),
    }
}

impl MergeParty {
    fn under(mut self) -> Self {
        self.underperforming = true;
        self
    }
    fn score(mut self, s: f64) -> Self {
        self.score = Some(s);
        self
    }
    fn z2(mut self) -> Self {
        self.z2_majority = true;
        self
    }
    fn out_of_scope(mut self) -> Self {
        self.in_scope = false;
        self
    }
    fn industries(mut self, xs: &[&str]) -> Self {
        self.leading_industries = xs.iter().map(|s| s.to_string()).collect();
        self
    }
    fn blocks(mut self, n: usize) -> Self {
        self.block_ids = (1..=n).map(|k| format!("{}-{k}", self.park_id)).collect();
        self
    }
}

fn run(parties: &[MergeParty], strong: &[&str], cfg: &MergeConfig) -> Plan {
    let strong: BTreeSet<String> = strong.iter().map(|s| s.to_string()).collect();
    let p = plan(parties, &strong, &LayoutConfig::default(), cfg);
    check_invariants(parties, &p);
    p
}

/// (from, to, scope, reason, chain_fit) of every merge.
fn summary(p: &Plan) -> Vec<(&str, &str, Scope, &str, bool)> {
    p.merges.iter().map(|m| (m.from_park_id.as_str(), m.to_park_id.as_str(), m.scope, m.reason, m.chain_fit)).collect()
}

fn rules_of(p: &Plan) -> Vec<(&str, Option<&str>)> {
    p.findings.iter().map(|f| (f.rule, f.park_id.as_deref())).collect()
}

fn near(x: Metres, expect: f64) -> bool {
    (x.0 - expect).abs() < 2e-3
}

#[test]
fn a_county_of_three_keeps_its_best_scoring_park() {
    // P3 scores best, so it is kept (L1: one park) though its id sorts last;
    // P1 and P2 are over quota and merge into it (C4).
    let parties = [
        park("P1", "150102", 110.00).score(70.0),
        park("P2", "150102", 110.05).score(60.0),
        park("P3", "150102", 110.10).score(90.0),
    ];
    let p = run(&parties, &[], &MergeConfig::default());
    assert_eq!(summary(&p), vec![("P1", "P3", Scope::County, "C4", true), ("P2", "P3", Scope::County, "C4", true)]);
    assert!(near(p.merges[0].distance_m, 7_684.326), "{:?}", p.merges[0]);
    assert!(near(p.merges[1].distance_m, 3_415.256), "{:?}", p.merges[1]);
    assert_eq!(p.roles["P3"], Role::Receiver);
    assert_eq!(p.roles["P1"], Role::Source { reason: "C4" });
    assert!(p.findings.is_empty(), "{:?}", p.findings);
    // the line joins the northern corners facing each other
    let (a, b) = p.merges[1].line;
    assert!((a.x - 110.06).abs() < 1e-7 && (a.y - 40.01).abs() < 1e-7, "{a:?}");
    assert!((b.x - 110.10).abs() < 1e-7 && (b.y - 40.01).abs() < 1e-7, "{b:?}");
}

#[test]
fn a_strong_county_keeps_two() {
    // L2: P1 and P2 stay; P3 merges into the nearer of them, P2 (3.4 km
    // against 11 km to P1).
    let parties = [
        park("P1", "150203", 110.00).score(90.0),
        park("P2", "150203", 110.20).score(80.0),
        park("P3", "150203", 110.15).score(70.0),
    ];
    let p = run(&parties, &["150203"], &MergeConfig::default());
    assert_eq!(summary(&p), vec![("P3", "P2", Scope::County, "C4", true)]);
    assert!(near(p.merges[0].distance_m, 3_415.256));
    // not strong: only P1 stays
    let p = run(&parties, &[], &MergeConfig::default());
    assert_eq!(summary(&p), vec![("P2", "P1", Scope::County, "C4", true), ("P3", "P1", Scope::County, "C4", true)]);
}

#[test]
fn a_county_whose_other_park_underperforms_falls_back_to_the_league() {
    // P1 and P2 both under-perform: neither can receive the other (C3), so
    // both go to P3 in the neighbouring county of the same league.
    let parties =
        [park("P1", "150102", 110.00).under(), park("P2", "150102", 110.03).under(), park("P3", "150103", 110.30)];
    let p = run(&parties, &[], &MergeConfig::default());
    assert_eq!(summary(&p), vec![("P1", "P3", Scope::League, "C1", true), ("P2", "P3", Scope::League, "C1", true)]);
    assert!(near(p.merges[0].distance_m, 24_760.595));
    assert!(near(p.merges[1].distance_m, 22_199.156));
}

#[test]
fn a_league_without_receivers_yields_withdrawal_candidates() {
    let parties = [
        // league 150200: only an under-performer
        park("P4", "150202", 110.00).under(),
        // league 150300: the other park is mostly in a prohibited zone (kept, cannot receive)
        park("P5", "150302", 111.00).z2(),
        park("P6", "150303", 111.05).under(),
        // a receiver right next to P6, but in another league: never used
        park("P7", "150402", 111.07),
    ];
    let p = run(&parties, &[], &MergeConfig::default());
    assert!(p.merges.is_empty(), "{:?}", p.merges);
    assert_eq!(rules_of(&p), vec![("C1", Some("P4")), ("C1", Some("P6"))]);
    assert!(p.findings.iter().all(|f| f.message.contains("candidate for withdrawal")));
    assert_eq!(p.roles["P5"], Role::KeptNotReceiving);
    assert_eq!(p.roles["P7"], Role::Receiver);
}

#[test]
fn a_tie_at_equal_distance_goes_to_the_lower_park_id() {
    // PB east and PA west of the source, both 0.04° away along the parallel
    // (3415.256 m): equal to the millimetre, so PA wins although listed last.
    let parties = [park("S", "150203", 110.00).under(), park("PB", "150203", 110.05), park("PA", "150203", 109.95)];
    let p = run(&parties, &["150203"], &MergeConfig::default());
    assert_eq!(summary(&p), vec![("S", "PA", Scope::County, "C1", true)]);
    assert!(near(p.merges[0].distance_m, 3_415.256));
}

#[test]
fn chain_fit_beats_a_nearer_receiver_in_the_same_scope() {
    let parties = [
        park("S", "150203", 110.00).under().industries(&["现代煤化工"]),
        park("R1", "150203", 110.03).industries(&["乳制品加工"]),
        park("R2", "150203", 110.20).industries(&["精细化工"]),
    ];
    let cfg =
        MergeConfig { complementary: vec![("现代煤化工".into(), "精细化工".into())], ..Default::default() };
    let p = run(&parties, &["150203"], &cfg);
    assert_eq!(summary(&p), vec![("S", "R2", Scope::County, "C1", true)]);
    assert_eq!(p.merges[0].fit.as_deref(), Some("现代煤化工↔精细化工"));
    assert!(p.findings.is_empty());
    // without the pair nothing fits: the nearest, R1, with a C2 finding
    let p = run(&parties, &["150203"], &MergeConfig::default());
    assert_eq!(summary(&p), vec![("S", "R1", Scope::County, "C1", false)]);
    assert_eq!(rules_of(&p), vec![("C2", Some("S"))]);
}

#[test]
fn the_county_comes_before_chain_fit_in_the_league() {
    // R1 (same county, no fit, far) against R2 (other county, fits, near):
    // C1 looks in the county first.
    let parties = [
        park("S", "150102", 110.00).under().industries(&["冶金"]),
        park("R1", "150102", 110.30).industries(&["乳制品加工"]),
        park("R2", "150103", 110.03).industries(&["冶金"]),
    ];
    let p = run(&parties, &[], &MergeConfig::default());
    assert_eq!(summary(&p), vec![("S", "R1", Scope::County, "C1", false)]);
    assert_eq!(rules_of(&p), vec![("C2", Some("S"))]);
}

#[test]
fn touching_parks_are_at_distance_zero() {
    let parties = [park("S", "150203", 110.00).under(), park("R", "150203", 110.01), park("Q", "150203", 110.5)];
    let p = run(&parties, &["150203"], &MergeConfig::default());
    assert_eq!(summary(&p), vec![("S", "R", Scope::County, "C1", true)]);
    assert_eq!(p.merges[0].distance_m, Metres(0.0));
    assert_eq!(p.merges[0].line.0, p.merges[0].line.1);
    assert!((p.merges[0].line.0.x - 110.01).abs() < 1e-12);
}

#[test]
fn a_receiver_pushed_over_three_blocks_is_reported_with_the_blocks() {
    let parties = [
        park("R", "150102", 110.00).blocks(2),
        park("S1", "150102", 110.05).under(),
        park("S2", "150102", 110.10).under().blocks(1),
    ];
    let p = run(&parties, &[], &MergeConfig::default());
    assert_eq!(p.merges.len(), 2);
    assert_eq!(rules_of(&p), vec![("L3", Some("R"))]);
    let f = &p.findings[0];
    assert_eq!((f.value, f.threshold), (Some(4.0), Some(3.0)));
    for b in ["R-1", "R-2", "S1-1", "S2-1"] {
        assert!(f.message.contains(b), "{b} missing from {}", f.message);
    }
    // three blocks in all is within the limit
    let p = run(&parties[..2], &[], &MergeConfig::default());
    assert!(p.findings.is_empty());
}

#[test]
fn a_park_in_a_prohibited_zone_does_not_take_the_quota_from_a_lawful_one() {
    // P1 scores best but lies mostly in prohibited zones: P2 is kept and
    // receives P1 (C4).
    let parties = [park("P1", "150102", 110.00).z2().score(95.0), park("P2", "150102", 110.05).score(60.0)];
    let p = run(&parties, &[], &MergeConfig::default());
    assert_eq!(summary(&p), vec![("P1", "P2", Scope::County, "C4", true)]);
}

#[test]
fn out_of_scope_parks_neither_count_nor_receive() {
    let parties = [
        park("L", "150102", 110.01).out_of_scope().score(99.0),
        park("P2", "150102", 110.50),
        park("S", "150102", 110.00).under(),
    ];
    let p = run(&parties, &[], &MergeConfig::default());
    assert_eq!(summary(&p), vec![("S", "P2", Scope::County, "C1", true)]);
    assert_eq!(p.roles["L"], Role::OutOfScope);
    assert_eq!(p.roles["P2"], Role::Receiver);
}

#[test]
fn the_distance_limit_turns_a_far_merge_into_a_finding() {
    let parties = [park("S", "150102", 110.00).under(), park("R", "150102", 110.50)];
    let cfg = MergeConfig { max_distance_m: Some(10_000.0), ..Default::default() };
    let p = run(&parties, &[], &cfg);
    assert!(p.merges.is_empty());
    assert_eq!(rules_of(&p), vec![("C1", Some("S"))]);
    assert!(p.findings[0].message.contains("max_distance_m"));
    assert_eq!(run(&parties, &[], &MergeConfig::default()).merges.len(), 1);
}

#[test]
fn a_source_without_geometry_is_reported_not_dropped() {
    let mut s = park("S", "150102", 110.00).under();
    s.geom = MultiPolygon(vec![]);
    let p = run(&[s, park("R", "150102", 110.50)], &[], &MergeConfig::default());
    assert!(p.merges.is_empty());
    assert_eq!(rules_of(&p), vec![("C1", Some("S"))]);
    assert!(p.findings[0].message.contains("no usable geometry"));
}

#[test]
fn the_plan_does_not_depend_on_input_order_and_repeats_are_reported() {
    let parties = vec![
        park("P1", "150102", 110.00).score(70.0),
        park("P2", "150102", 110.05).under(),
        park("P3", "150102", 110.10).score(90.0),
        park("P4", "150103", 110.40),
    ];
    let a = run(&parties, &[], &MergeConfig::default());
    let mut rev = parties.clone();
    rev.reverse();
    assert_eq!(a, run(&rev, &[], &MergeConfig::default()));
    let mut twice = parties.clone();
    twice.push(park("P4", "150103", 120.0));
    let b = run(&twice, &[], &MergeConfig::default());
    assert_eq!(b.merges, a.merges);
    assert_eq!(rules_of(&b), vec![("D5", Some("P4"))]);
}

#[test]
fn config_reads_from_toml_with_documented_defaults() {
    let c: MergeConfig = toml::from_str("").unwrap();
    assert_eq!(c, MergeConfig::default());
    assert!(c.complementary.is_empty() && c.max_distance_m.is_none());
    let c: MergeConfig =
        toml::from_str("complementary = [[\"现代煤化工\", \"精细化工\"]]\nmax_distance_m = 50000\n").unwrap();
    assert_eq!(c.complementary, vec![("现代煤化工".to_string(), "精细化工".to_string())]);
    assert_eq!(c.max_distance_m, Some(50_000.0));
    assert!(c.check().is_ok());
    assert!(toml::from_str::<MergeConfig>("max_distanse_m = 1").is_err());
    assert!(MergeConfig { max_distance_m: Some(-1.0), ..Default::default() }.check().is_err());
    assert!(MergeConfig { complementary: vec![("冶金".into(), " ".into())], ..Default::default() }.check().is_err());
    // round trip
    let text = toml::to_string(&c).unwrap();
    assert_eq!(toml::from_str::<MergeConfig>(&text).unwrap(), c);
}

/// Invariants of any plan: merges stay in the league and never chain, every
/// source appears exactly once (merged, or in a C1/C4 finding), receivers
/// are kept parks, output is ordered.
fn check_invariants(parties: &[MergeParty], p: &Plan) {
    // the first occurrence of an id is the one planned
    let first: BTreeMap<&str, &MergeParty> = parties.iter().rev().map(|q| (q.park_id.as_str(), q)).collect();
    for m in &p.merges {
        let (f, t) = (first[m.from_park_id.as_str()], first[m.to_park_id.as_str()]);
        assert_eq!(f.league_adcode, t.league_adcode, "{m:?} crosses leagues");
        if m.scope == Scope::County {
            assert_eq!(f.county_adcode, t.county_adcode, "{m:?}");
        }
        assert_eq!(p.roles[&m.to_park_id], Role::Receiver, "{m:?}");
        assert!(p.merges.iter().all(|n| n.from_park_id != m.to_park_id), "{m:?} chains");
        assert_eq!(
            Some(m.reason),
            match p.roles[&m.from_park_id] {
                Role::Source { reason } => Some(reason),
                _ => None,
            }
        );
    }
    for (id, role) in &p.roles {
        if let Role::Source { reason } = role {
            let merged = p.merges.iter().filter(|m| &m.from_park_id == id).count();
            let found = p.findings.iter().filter(|f| f.park_id.as_ref() == Some(id) && f.rule == *reason).count();
            assert_eq!(merged + found, 1, "source {id}: {merged} merges, {found} findings");
        }
    }
    assert!(p.merges.windows(2).all(|w| w[0].from_park_id < w[1].from_park_id));
}

/// Random leagues of counties with random flags; the plan against a scan of
/// all receivers (no R-tree) applying the same order of preference.
#[test]
fn random_plans_keep_the_invariants_and_match_a_scan() {
    let cfg =
        MergeConfig { complementary: vec![("现代煤化工".into(), "精细化工".into())], ..Default::default() };
    let industries = ["现代煤化工", "精细化工", "新材料", "冶金", "乳制品加工"];
    for seed in 1..=12u64 {
        let mut rng = Rng(seed * 7919);
        let mut parties = Vec::new();
        let mut strong = BTreeSet::new();
        for l in 1..=3 {
            for c in 1..=3 {
                let county = format!("15{l:02}{c:02}");
                if rng.next() < 0.3 {
                    strong.insert(county.clone());
                }
                let (cx, cy) = (105.0 + 2.0 * l as f64 + 0.3 * c as f64, 41.0 + 0.2 * c as f64);
                for _ in 0..(rng.next() * 6.0) as usize {
                    let id = format!("P{:03}", parties.len());
                    let (x, y) = (cx + rng.range(-0.15, 0.15), cy + rng.range(-0.1, 0.1));
                    let r = rng.range(0.003, 0.02);
                    let mut q = park(&id, &county, 0.0);
                    q.geom = star(&mut rng, x, y, r, 7);
                    q.underperforming = rng.next() < 0.3;
                    q.z2_majority = rng.next() < 0.1;
                    q.in_scope = rng.next() < 0.93;
                    q.score = (rng.next() < 0.9).then(|| (rng.next() * 10.0).round());
                    q.leading_industries = vec![industries[(rng.next() * 5.0) as usize].into()];
                    q = q.blocks(1 + (rng.next() * 3.0) as usize);
                    parties.push(q);
                }
            }
        }
        let p = plan(&parties, &strong, &LayoutConfig::default(), &cfg);
        check_invariants(&parties, &p);
        assert!(p.roles.values().any(|r| matches!(r, Role::Source { .. })), "seed {seed}: no source");
        for (id, role) in &p.roles {
            let Role::Source { .. } = role else { continue };
            let s = parties.iter().find(|q| &q.park_id == id).unwrap();
            let expected = scan(&parties, &p.roles, s, &cfg);
            let got =
                p.merges.iter().find(|m| &m.from_park_id == id).map(|m| (m.to_park_id.clone(), m.scope, m.chain_fit));
            assert_eq!(got, expected, "seed {seed}, source {id}");
        }
    }
}

/// The receiver by a scan of every kept park: county before league, fit
/// before distance, then (distance to the mm, park id).
fn scan(
    parties: &[MergeParty],
    roles: &BTreeMap<String, Role>,
    s: &MergeParty,
    cfg: &MergeConfig,
) -> Option<(String, Scope, bool)> {
    for scope in [Scope::County, Scope::League] {
        let pool: Vec<(f64, &str, bool)> = parties
            .iter()
            .filter(|r| roles[&r.park_id] == Role::Receiver && r.league_adcode == s.league_adcode)
            .filter(|r| scope == Scope::League || r.county_adcode == s.county_adcode)
            .map(|r| {
                let d = closest_points(&s.geom, &r.geom).unwrap().distance.0;
                let fit = chain_fit(&s.leading_industries, &r.leading_industries, &cfg.complementary).is_some();
                (round_to(d, 3), r.park_id.as_str(), fit)
            })
            .collect();
        let best = |v: Vec<&(f64, &str, bool)>| {
            v.into_iter().min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1))).map(|x| (x.1.to_owned(), scope, x.2))
        };
        if let Some(b) = best(pool.iter().filter(|x| x.2).collect()).or_else(|| best(pool.iter().collect())) {
            return Some(b);
        }
    }
    None
}
