//! A hand-made table, every expected result derived on paper.
//!
//! The parks (lon/lat squares near 110°E 40°N, edges straight in lon/lat):
//!
//! | park | blocks | leading industries |
//! |---|---|---|
//! | PA | PA-1 [110.00, 110.01]×[40.00, 40.01], PA-2 [110.02, 110.03]×[40.00, 40.01] | 新材料 (not chemical) |
//! | PC | PC-1 [110.05, 110.06]×[40.00, 40.01] | 现代煤化工 (chemical: contains 化工) |
//! | PE | PE-1 [110.10, 110.11]×[40.00, 40.01] | none declared |
//!
//! As of 2023-12-31, default `[enterprises]`: a candidate meets ≥ 2
//! criteria; criterion 4 needs ≥ 3 loss years.
//!
//! The base enterprise row keeps every rule: not stopped (否), can service
//! debt, fits restructuring, no subsidy, established 2010 with 0 loss years,
//! debt ratios 50/50/50 %, 5,000 tce (below B3's 10,000), not above quota,
//! no hazardous chemicals, industry 新材料 (not P4), at (110.005, 40.005)
//! inside PA-1. The base project: approved 2021-03-01, deadline 2024-06-30
//! (after the as-of date), not started, same place and industry. Each row
//! below changes a few cells; its expected results are in `expected()`.

use super::table::{parse_table, Column};
use super::*;
use crate::units::Metres;
use geo::{polygon, Coord};

const AS_OF: &str = "2023-12-31";

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)]])
}

/// An owned park: id, leading industries, union, blocks.
type OwnedPark = (String, Vec<String>, MultiPolygon<f64>, Vec<(String, MultiPolygon<f64>)>);

/// Owned parks, lent out as [`ParkSite`]s.
struct Parks {
    parks: Vec<OwnedPark>,
}

impl Parks {
    fn demo() -> Parks {
        let pa1 = rect(110.00, 40.00, 110.01, 40.01);
        let pa2 = rect(110.02, 40.00, 110.03, 40.01);
        let pc1 = rect(110.05, 40.00, 110.06, 40.01);
        let pe1 = rect(110.10, 40.00, 110.11, 40.01);
        let union = MultiPolygon(pa1.0.iter().chain(pa2.0.iter()).cloned().collect());
        Parks {
            parks: vec![
                ("PA".into(), vec!["新材料".into()], union, vec![("PA-1".into(), pa1), ("PA-2".into(), pa2)]),
                ("PC".into(), vec!["现代煤化工".into()], pc1.clone(), vec![("PC-1".into(), pc1)]),
                ("PE".into(), vec![], pe1.clone(), vec![("PE-1".into(), pe1)]),
            ],
        }
    }

    fn sites(&self) -> Vec<ParkSite<'_>> {
        self.parks
            .iter()
            .map(|(id, lead, geom, blocks)| ParkSite {
                park_id: id,
                park_name: None,
                leading_industries: lead,
                geom,
                blocks: blocks.iter().map(|(b, g)| (b.as_str(), g)).collect(),
            })
            .collect()
    }
}

fn header() -> String {
    Column::ALL.iter().map(|c| c.name()).collect::<Vec<_>>().join(",")
}

/// A CSV line: the base row of `kind` with `changes` (column, cell).
fn row(id: &str, kind: &str, changes: &[(&str, &str)]) -> String {
    let base: &[(&str, &str)] = if kind == "project" {
        &[
            ("kind", "project"),
            ("park_id", "PA"),
            ("industry", "新材料"),
            ("lon", "110.005"),
            ("lat", "40.005"),
            ("hazardous_chemicals", "false"),
            ("investment_wan", "52000"),
            ("approved_on", "2021-03-01"),
            ("start_deadline", "2024-06-30"),
            ("started", "false"),
        ]
    } else {
        &[
            ("kind", "enterprise"),
            ("park_id", "PA"),
            ("industry", "新材料"),
            ("lon", "110.005"),
            ("lat", "40.005"),
            ("established_year", "2010"),
            ("stopped_since", "否"),
            ("loss_years", "0"),
            ("debt_ratio_y1", "50"),
            ("debt_ratio_y2", "50"),
            ("debt_ratio_y3", "50"),
            ("can_service_debt", "true"),
            ("restructuring_fit", "true"),
            ("subsidy_dependent", "false"),
            ("energy_tce", "5000"),
            ("on_energy_platform", "false"),
            ("above_energy_quota", "false"),
            ("hazardous_chemicals", "false"),
        ]
    };
    Column::ALL
        .iter()
        .map(|c| {
            let n = c.name();
            if n == "enterprise_id" {
                return id.to_owned();
            }
            if n == "name" {
                return format!("name-{id}");
            }
            let pick = |list: &[(&str, &str)]| list.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string());
            pick(changes).or_else(|| pick(base)).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The hand-made rows, in file order (line = index + 2).
fn rows() -> Vec<String> {
    let e = |id: &str, ch: &[(&str, &str)]| row(id, "enterprise", ch);
    let p = |id: &str, ch: &[(&str, &str)]| row(id, "project", ch);
    vec![
        e("E00", &[]),
        // B1 criteria one at a time
        e("E01", &[("stopped_since", "2021-12-31")]), // 2021-12-31 + 2 y = 2023-12-31 ≤ as-of: met (以上 includes 2 y)
        e("E02", &[("stopped_since", "2022-01-01")]), // + 2 y = 2024-01-01 > as-of: not met
        e("E03", &[("stopped_since", "2021-12")]),    // month → 2021-12-31: met
        e("E04", &[("stopped_since", "2022-01")]),    // month → 2022-01-31: not met
        e("E05", &[("can_service_debt", "否")]),      // 2
        e("E06", &[("restructuring_fit", "false")]),  // 3
        e("E07", &[("loss_years", "3")]),             // 4: 2010-12-31 + 5 y ≤ as-of, 3 ≥ 3
        e("E08", &[("loss_years", "3"), ("established_year", "2018")]), // 2018-12-31 + 5 y = 2023-12-31: met
        e("E09", &[("loss_years", "3"), ("established_year", "2019")]), // 2024-12-31 > as-of: not met
        e("E10", &[("loss_years", "2")]),             // 2 < 3: not met
        e("E11", &[("subsidy_dependent", "是")]),     // 5
        e("E12", &[("debt_ratio_y1", "100"), ("debt_ratio_y2", "100"), ("debt_ratio_y3", "100")]), // 6: 100 counts
        e("E13", &[("debt_ratio_y1", "100"), ("debt_ratio_y2", "99.9"), ("debt_ratio_y3", "120")]), // 99.9: not met
        // combinations
        e(
            "E14",
            &[
                ("stopped_since", "2020-06-30"),
                ("debt_ratio_y1", "120"),
                ("debt_ratio_y2", "130"),
                ("debt_ratio_y3", "140"),
            ],
        ),
        e(
            "E15",
            &[
                ("stopped_since", "2020-01"),
                ("can_service_debt", "0"),
                ("restructuring_fit", "0"),
                ("loss_years", "5"),
                ("subsidy_dependent", "1"),
                ("debt_ratio_y1", "150"),
                ("debt_ratio_y2", "160"),
                ("debt_ratio_y3", "170"),
            ],
        ),
        e("E16", &[("can_service_debt", "否"), ("loss_years", "4"), ("subsidy_dependent", "是")]),
        // empty cells
        e(
            "E17",
            &[("can_service_debt", "否"), ("debt_ratio_y1", "120"), ("debt_ratio_y2", ""), ("debt_ratio_y3", "130")],
        ), // met {2}; 6 open (120, ?, 130): 1 + 1 ≥ 2 → not judged
        e("E18", &[("debt_ratio_y1", "80"), ("debt_ratio_y2", "")]), // 80 < 100 settles 6: no row
        e("E19", &[("stopped_since", ""), ("can_service_debt", "")]), // none met, 2 open ≥ 2 → not judged
        e("E20", &[("stopped_since", "")]),                          // none met, 1 open < 2 → no row
        e("E21", &[("can_service_debt", "否"), ("established_year", ""), ("loss_years", "5")]), // {2}, 4 open
        // B3, B4
        e("E22", &[("energy_tce", "10000")]), // 以上 includes 10,000: violation
        e("E23", &[("energy_tce", "9999.9")]),
        e("E24", &[("energy_tce", "12000"), ("on_energy_platform", "")]),
        e("E25", &[("energy_tce", ""), ("on_energy_platform", "true")]),
        e("E26", &[("energy_tce", "")]),
        e("E27", &[("above_energy_quota", "true")]),
        e("E28", &[("above_energy_quota", "")]),
        // P3
        e("E29", &[("hazardous_chemicals", "true")]), // PA is not chemical
        e("E30", &[("hazardous_chemicals", "true"), ("park_id", "PC"), ("lon", "110.055")]),
        e("E31", &[("hazardous_chemicals", ""), ("park_id", "PC"), ("lon", "110.055")]),
        e("E32", &[("hazardous_chemicals", "")]),
        e("E33", &[("hazardous_chemicals", "true"), ("park_id", "PE"), ("lon", "110.105")]),
        e("E34", &[("hazardous_chemicals", "true"), ("park_id", ""), ("lon", ""), ("lat", "")]),
        // P4
        p("X01", &[("industry", "钢铁")]),
        e("E35", &[("industry", "电解铝")]),
        e("E36", &[("industry", "焦炭")]),
        e("E37", &[("industry", "")]),
        e("E38", &[("industry", "水泥制品")]),
        // B2
        p("X02", &[("start_deadline", "2023-06-30")]),
        p("X03", &[("start_deadline", "2023-12-31")]), // on the as-of day: still in time
        p("X04", &[("start_deadline", "2023-06"), ("started", "true")]),
        p("X05", &[("start_deadline", "2022-01-01"), ("started", "")]),
        p("X06", &[("start_deadline", "")]),
        p("X07", &[("start_deadline", "2023-06"), ("started", "否")]),
        // location
        e("E39", &[("lon", "110.025")]),                // inside PA-2
        e("E40", &[("lon", "110.01")]),                 // on PA-1's east edge: inside
        e("E41", &[("lon", "110.0"), ("lat", "40.0")]), // PA-1's corner: inside
        e("E42", &[("lon", "110.013")]),                // between PA-1 and PA-2, 0.003° from PA-1
        e("E43", &[("lon", "110.055")]),                // inside PC-1, declared PA
        e("E44", &[("lon", "110.05")]),                 // on PC-1's west edge, declared PA
        // bad cells: reported, the row still screened
        e("E45", &[("park_id", "P9999"), ("lon", "110.055")]),
        e("E46", &[("debt_ratio_y1", "N/A"), ("above_energy_quota", "true")]),
        e("E47", &[("stopped_since", "2021/06/01")]),
        e("E48", &[("debt_ratio_y3", "105%")]),
        e("E49", &[("kind", "factory")]),
        e("E50", &[("lat", "")]),
        e("E51", &[("lon", "40.1"), ("lat", "110.2")]),
        e("E52", &[("established_year", "95")]),
        e("", &[]),    // no id: not screened
        e("E00", &[]), // repeated id: not screened
    ]
}

/// (id, rule, severity, outcome, criteria_met, candidate) of every result, derived on paper.
type Expect = (&'static str, &'static str, Severity, Outcome, &'static str, Option<bool>);

/// An [`Expect`] with owned strings, to compare with what the screening gives.
type Got = (String, &'static str, Severity, Outcome, String, Option<bool>);

fn expected() -> Vec<Expect> {
    use Outcome::*;
    use Severity::*;
    vec![
        ("E01", "B1", Info, Flagged, "1", Some(false)),
        ("E03", "B1", Info, Flagged, "1", Some(false)),
        ("E05", "B1", Info, Flagged, "2", Some(false)),
        ("E06", "B1", Info, Flagged, "3", Some(false)),
        ("E07", "B1", Info, Flagged, "4", Some(false)),
        ("E08", "B1", Info, Flagged, "4", Some(false)),
        ("E11", "B1", Info, Flagged, "5", Some(false)),
        ("E12", "B1", Info, Flagged, "6", Some(false)),
        ("E14", "B1", Warning, Flagged, "1;6", Some(true)),
        ("E15", "B1", Warning, Flagged, "1;2;3;4;5;6", Some(true)),
        ("E16", "B1", Warning, Flagged, "2;4;5", Some(true)),
        ("E17", "B1", Info, Flagged, "2", None),
        ("E19", "B1", Info, NotJudged, "", None),
        ("E21", "B1", Info, Flagged, "2", None),
        ("E22", "B3", Violation, Flagged, "", None),
        ("E24", "B3", Info, NotJudged, "", None),
        ("E26", "B3", Info, NotJudged, "", None),
        ("E27", "B4", Violation, Flagged, "", None),
        ("E28", "B4", Info, NotJudged, "", None),
        ("E29", "P3", Violation, Flagged, "", None),
        ("E32", "P3", Info, NotJudged, "", None),
        ("E33", "P3", Info, NotJudged, "", None),
        ("E34", "P3", Info, NotJudged, "", None),
        ("X01", "P4", Warning, Flagged, "", None),
        ("E35", "P4", Info, Flagged, "", None),
        ("E36", "P4", Info, Flagged, "", None),
        ("E37", "P4", Info, NotJudged, "", None),
        ("E38", "P4", Info, Flagged, "", None),
        ("X02", "B2", Violation, Flagged, "", None),
        ("X05", "B2", Info, NotJudged, "", None),
        ("X06", "B2", Info, NotJudged, "", None),
        ("X07", "B2", Violation, Flagged, "", None),
        ("E42", "D11", Warning, Flagged, "", None),
        ("E43", "D11", Warning, Flagged, "", None),
        ("E44", "D11", Warning, Flagged, "", None),
        ("E45", "D10", Warning, UnusableInput, "", None), // unknown park
        ("E45", "D11", Info, Flagged, "", None),          // … but it lies in PC-1
        ("E46", "D10", Warning, UnusableInput, "", None), // N/A
        ("E46", "B4", Violation, Flagged, "", None),      // the rest of the row is screened
        ("E47", "D10", Warning, UnusableInput, "", None), // 2021/06/01; criterion 1 open alone: no B1
        ("E48", "D10", Warning, UnusableInput, "", None), // 105%
        ("E49", "D10", Warning, UnusableInput, "", None), // factory
        ("E49", "D10", Info, NotJudged, "", None),        // … so B1–B4 not judged
        ("E50", "D10", Warning, UnusableInput, "", None), // lat empty, lon given
        ("E51", "D10", Warning, UnusableInput, "", None), // lat 110.2
        ("E52", "D10", Warning, UnusableInput, "", None), // 95; criterion 4 still not met (0 loss years)
        ("E00", "D10", Warning, UnusableInput, "", None), // the repeated row
    ]
}

fn table_text() -> String {
    format!("\u{feff}{}\n{}\n", header(), rows().join("\n"))
}

fn run(cfg: &EnterpriseConfig, as_of: Option<&str>, merges: &[Merge]) -> Screening {
    let parks = Parks::demo();
    let sites = parks.sites();
    let table = parse_table(&table_text(), "x/enterprises.csv", &BTreeMap::new()).expect("a usable table");
    let as_of = AsOf::resolve(as_of.map(|s| Day::parse_as_of(s).expect("a date")), None);
    screen(&table, &Context { parks: &sites, rejected_parks: &[], merges, as_of, config: cfg })
}

fn line_of(id: &str) -> usize {
    rows().iter().position(|r| r.starts_with(&format!("{id},"))).map(|i| i + 2).expect("a row")
}

#[test]
fn every_result_of_the_hand_made_table_is_the_one_derived_on_paper() {
    let s = run(&EnterpriseConfig::default(), Some(AS_OF), &[]);
    let mut got: Vec<Got> = s
        .findings
        .iter()
        .map(|f| {
            (
                f.enterprise_id.clone().unwrap_or_default(),
                f.rule.id,
                f.severity,
                f.outcome,
                zombie::join(&f.criteria_met),
                f.candidate,
            )
        })
        .collect();
    // the row without an id is reported under no id
    let no_id = got.iter().position(|g| g.0.is_empty()).expect("the row without enterprise_id is reported");
    assert_eq!(got.remove(no_id).1, "D10");
    let mut want: Vec<Got> =
        expected().into_iter().map(|(i, r, s, o, c, k)| (i.to_owned(), r, s, o, c.to_owned(), k)).collect();
    got.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    want.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
    let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing: {missing:#?}\nunexpected: {extra:#?}");
    assert_eq!((s.read, s.screened), (rows().len(), rows().len() - 2));
}

#[test]
fn bad_cells_are_reported_with_line_and_column() {
    let s = run(&EnterpriseConfig::default(), Some(AS_OF), &[]);
    let d10 = |id: &str| -> Vec<&EnterpriseFinding> {
        s.findings
            .iter()
            .filter(|f| {
                f.rule.id == "D10" && f.outcome == Outcome::UnusableInput && f.enterprise_id.as_deref() == Some(id)
            })
            .collect()
    };
    for (id, column, says) in [
        ("E45", "park_id", "P9999"),
        ("E46", "debt_ratio_y1", "`N/A` is not a number"),
        ("E47", "stopped_since", "`2021/06/01` is not a date"),
        ("E48", "debt_ratio_y3", "`105%` is not a number"),
        ("E49", "kind", "`factory` is not a kind"),
        ("E50", "lat", "is empty while the other coordinate is given"),
        ("E51", "lat", "are lon and lat swapped?"),
        ("E52", "established_year", "`95` is not a year"),
    ] {
        let f = d10(id);
        assert_eq!(f.len(), 1, "{id}: {f:#?}");
        let loc = &f[0].location;
        assert_eq!(
            (loc.file.as_str(), loc.line, loc.column.as_deref()),
            ("x/enterprises.csv", Some(line_of(id)), Some(column)),
            "{id}"
        );
        assert!(f[0].message.contains(says), "{id}: {}", f[0].message);
        assert!(f[0].message.contains(&format!("enterprises.csv line {}", line_of(id))), "{}", f[0].message);
    }
    let repeated = d10("E00");
    assert!(repeated[0].message.contains("repeats enterprise_id E00 of line 2"), "{}", repeated[0].message);
    assert_eq!(repeated[0].location.line, Some(rows().len() + 1));
    // the same results as run findings, pointing at the row
    let run: Vec<Finding> = s.run_findings().collect();
    let f = run.iter().find(|f| f.rule == "D10" && f.message.contains("N/A")).expect("in findings.csv");
    assert_eq!(f.location.as_ref().and_then(|l| l.column.as_deref()), Some("debt_ratio_y1"));
    assert_eq!(f.park_id.as_deref(), Some("PA"));
}

#[test]
fn messages_name_the_criteria_the_empty_cells_and_the_park_whose_quota_returns() {
    let s = run(&EnterpriseConfig::default(), Some(AS_OF), &[]);
    let msg = |id: &str, rule: &str| -> String {
        s.findings
            .iter()
            .find(|f| f.enterprise_id.as_deref() == Some(id) && f.rule.id == rule)
            .map(|f| f.message.clone())
            .unwrap_or_else(|| panic!("{id} {rule}"))
    };
    assert!(msg("E14", "B1").contains("zombie-enterprise candidate"), "{}", msg("E14", "B1"));
    assert!(msg("E14", "B1").contains("stopped since 2020-06-30"), "{}", msg("E14", "B1"));
    assert!(msg("E17", "B1").contains("6 (debt_ratio_y2 not reported)"), "{}", msg("E17", "B1"));
    assert!(msg("E21", "B1").contains("4 (established_year not reported)"), "{}", msg("E21", "B1"));
    assert!(msg("E19", "B1").contains("1 (stopped_since not reported); 2 (can_service_debt not reported)"));
    assert!(msg("X02", "B2").contains("taken back by park PA"), "{}", msg("X02", "B2"));
    assert!(msg("X07", "B2").contains("start by 2023-06-30"), "month deadline is its last day: {}", msg("X07", "B2"));
    assert!(msg("X05", "B2").contains("started is not reported"), "{}", msg("X05", "B2"));
    assert!(msg("E33", "P3").contains("declares no leading industry"), "{}", msg("E33", "P3"));
    assert!(msg("E29", "P3").contains("(新材料) include no chemical industry"), "{}", msg("E29", "P3"));
    assert!(msg("E43", "D11").contains("inside block PC-1 of park PC"), "{}", msg("E43", "D11"));
    assert!(msg("E44", "D11").contains("on the border of block PC-1"), "{}", msg("E44", "D11"));
    let b2 = s.findings.iter().find(|f| f.enterprise_id.as_deref() == Some("X02")).expect("X02");
    assert_eq!(b2.park_id.as_deref(), Some("PA"));
    let e43 = s.findings.iter().find(|f| f.enterprise_id.as_deref() == Some("E43")).expect("E43");
    assert_eq!(e43.block_id.as_deref(), Some("PC-1"));
}

/// Brute force: the least geodesic distance from `p` to points spaced 1 cm
/// along the straight lon/lat segment `a`–`b`.
fn brute_force_distance(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
    use crate::geom::distance::geodesic_distance;
    let n = (geodesic_distance(a, b).0 * 100.0).ceil() as usize;
    (0..=n)
        .map(|k| {
            let t = k as f64 / n as f64;
            geodesic_distance(p, Coord { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) }).0
        })
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn the_distance_outside_the_park_agrees_with_brute_force_along_the_nearest_edge() {
    let s = run(&EnterpriseConfig::default(), Some(AS_OF), &[]);
    let d = |id: &str| {
        s.findings
            .iter()
            .find(|f| f.enterprise_id.as_deref() == Some(id) && f.rule.id == "D11")
            .and_then(|f| f.value)
            .expect("a distance")
    };
    // E42 at (110.013, 40.005): nearest is PA-1's east edge x = 110.01 (PA-2's west edge is 0.007° away)
    let e42 = brute_force_distance(
        Coord { x: 110.013, y: 40.005 },
        Coord { x: 110.01, y: 40.0 },
        Coord { x: 110.01, y: 40.01 },
    );
    assert!((d("E42") - e42).abs() < 0.01, "{} vs {e42}", d("E42"));
    assert!((250.0..260.0).contains(&e42), "0.003° of longitude at 40°N is about 256 m: {e42}");
    // E43 at (110.055, 40.005), declared PA: nearest is PA-2's east edge x = 110.03
    let e43 = brute_force_distance(
        Coord { x: 110.055, y: 40.005 },
        Coord { x: 110.03, y: 40.0 },
        Coord { x: 110.03, y: 40.01 },
    );
    assert!((d("E43") - e43).abs() < 0.01, "{} vs {e43}", d("E43"));
}

#[test]
fn points_in_on_and_out_of_a_block() {
    let b = rect(110.00, 40.00, 110.01, 40.01);
    use location::{distance_to, position, Position};
    assert_eq!(position(&b, Coord { x: 110.005, y: 40.005 }), Position::Inside);
    assert_eq!(position(&b, Coord { x: 110.01, y: 40.005 }), Position::OnBorder);
    assert_eq!(position(&b, Coord { x: 110.0, y: 40.0 }), Position::OnBorder);
    assert_eq!(position(&b, Coord { x: 110.0100001, y: 40.005 }), Position::Outside);
    assert_eq!(distance_to(Coord { x: 110.01, y: 40.005 }, &b), Some(Metres(0.0)));
    // just outside: about 1 cm
    let d = distance_to(Coord { x: 110.0100001, y: 40.005 }, &b).expect("a distance").0;
    assert!((0.005..0.02).contains(&d), "{d}");
}

#[test]
fn the_candidate_combination_is_configurable() {
    // at least 2, including criterion 1
    let cfg = EnterpriseConfig { b1_candidate_required: vec![1], ..EnterpriseConfig::default() };
    let s = run(&cfg, Some(AS_OF), &[]);
    let cand = |id: &str| {
        s.findings.iter().find(|f| f.enterprise_id.as_deref() == Some(id) && f.rule.id == "B1").map(|f| f.candidate)
    };
    assert_eq!(cand("E14"), Some(Some(true)), "1;6");
    assert_eq!(cand("E16"), Some(Some(false)), "2;4;5 lacks 1, which is judged not met");
    assert_eq!(cand("E17"), Some(Some(false)), "criterion 1 is not met (否)");
    // any single criterion
    let any = EnterpriseConfig { b1_candidate_min_criteria: 1, ..EnterpriseConfig::default() };
    let s = run(&any, Some(AS_OF), &[]);
    let b1 = s.findings.iter().find(|f| f.enterprise_id.as_deref() == Some("E06") && f.rule.id == "B1").expect("E06");
    assert_eq!((b1.candidate, b1.severity), (Some(true), Severity::Warning));
    // E20 (only criterion 1 open, none met) is now undetermined
    assert!(s.findings.iter().any(|f| f.enterprise_id.as_deref() == Some("E20") && f.candidate.is_none()));
}

#[test]
fn without_an_as_of_date_the_dated_rules_are_not_judged() {
    let s = run(&EnterpriseConfig::default(), None, &[]);
    let of = |id: &str, rule: &str| {
        s.findings.iter().find(|f| f.enterprise_id.as_deref() == Some(id) && f.rule.id == rule).cloned()
    };
    let x02 = of("X02", "B2").expect("X02");
    assert_eq!(x02.outcome, Outcome::NotJudged);
    assert!(x02.message.contains("--as-of"), "{}", x02.message);
    // E14: criterion 1 needs the date, 6 does not: met {6}, 1 open → undetermined
    let e14 = of("E14", "B1").expect("E14");
    assert_eq!((zombie::join(&e14.criteria_met), e14.candidate), ("6".to_owned(), None));
    assert!(e14.message.contains("the as-of date not reported"), "{}", e14.message);
}

#[test]
fn relocations_list_every_row_of_a_merging_park_with_the_merge_distance() {
    let merge = Merge {
        from_park_id: "PE".into(),
        to_park_id: "PC".into(),
        distance_m: Metres(40_000.5),
        scope: crate::consolidate::Scope::County,
        reason: "C1",
        chain_fit: false,
        fit: None,
        line: (Coord { x: 110.10, y: 40.005 }, Coord { x: 110.06, y: 40.005 }),
    };
    let s = run(&EnterpriseConfig::default(), Some(AS_OF), std::slice::from_ref(&merge));
    // only E33 declares PE
    assert_eq!(s.relocations.len(), 1);
    let r = &s.relocations[0];
    assert_eq!((r.enterprise_id.as_str(), r.from_park_id.as_str(), r.to_park_id.as_str()), ("E33", "PE", "PC"));
    assert_eq!((r.distance_m, r.reason, r.b1_candidate), (Metres(40_000.5), "C1", Some(false)));
    let c5 = s.findings.iter().find(|f| f.rule.id == "C5").expect("a C5 finding");
    assert!(c5.message.contains("relocates from park PE to park PC (40.0 km"), "{}", c5.message);
    // a merge of PA moves its zombie candidates too, marked
    let pa = Merge { from_park_id: "PA".into(), ..merge };
    let s = run(&EnterpriseConfig::default(), Some(AS_OF), &[pa]);
    let e14 = s.relocations.iter().find(|r| r.enterprise_id == "E14").expect("E14 relocates");
    assert_eq!(e14.b1_candidate, Some(true));
    let x02 = s.relocations.iter().find(|r| r.enterprise_id == "X02").expect("projects relocate");
    assert_eq!(x02.b1_candidate, None);
    assert!(!s.relocations.iter().any(|r| r.enterprise_id == "E45"), "an unknown park relocates nothing");
}

#[test]
fn the_csv_files_have_the_documented_columns() {
    let merge = Merge {
        from_park_id: "PA".into(),
        to_park_id: "PC".into(),
        distance_m: Metres(20_000.0),
        scope: crate::consolidate::Scope::County,
        reason: "C4",
        chain_fit: false,
        fit: None,
        line: (Coord { x: 0.0, y: 0.0 }, Coord { x: 0.0, y: 0.0 }),
    };
    let s = run(&EnterpriseConfig::default(), Some(AS_OF), &[merge]);
    let mut buf = Vec::new();
    output::findings_csv(&mut buf, &s).expect("written");
    let text = String::from_utf8(buf).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
    assert!(text.starts_with("enterprise_id,rule,clause,severity,criteria_met,message,park_id,"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("E15,B1,§2 clause 5,warning,1;2;3;4;5;6,")), "{text}");
    let mut buf = Vec::new();
    output::relocations_csv(&mut buf, &s).expect("written");
    let text = String::from_utf8(buf).expect("UTF-8");
    assert!(text.contains("enterprise_id,name,from_park_id,to_park_id,distance_m"), "{text}");
    assert!(text.contains("E14,name-E14,PA,PC,20000,enterprise,新材料,C4,true,"), "{text}");
    let md = output::markdown(&s);
    assert!(md.contains("Judged as of: 2023-12-31 (--as-of)"), "{md}");
    assert!(md.contains("| E15 | name-E15 | PA | 1;2;3;4;5;6 |"), "{md}");
}

#[test]
fn a_table_without_enterprise_id_or_not_utf8_is_an_error_with_a_hint() {
    let e = parse_table("id,name\nE1,x\n", "e.csv", &BTreeMap::new()).unwrap_err();
    assert!(e.to_string().contains("enterprise_id") && e.to_string().contains("hint:"), "{e}");
    assert!(parse_table("", "e.csv", &BTreeMap::new()).is_err());
    assert!(parse_table("enterprise_id,kind,kind\nE1,project,project\n", "e.csv", &BTreeMap::new()).is_err());
    let dir = tempfile::tempdir().expect("a temp dir");
    let p = dir.path().join("enterprises.csv");
    std::fs::write(&p, b"enterprise_id,name\nE1,\xb6\xab\xca\xa4\n").expect("written");
    assert!(read_table(&p, &BTreeMap::new()).unwrap_err().to_string().contains("CSV UTF-8"));
}

#[test]
fn missing_columns_are_reported_once_and_their_rules_not_judged() {
    let t = parse_table("enterprise_id,kind,park_id\nE1,enterprise,PA\n", "e.csv", &BTreeMap::new()).expect("usable");
    assert_eq!(t.findings.len(), Column::ALL.len() - 3, "one per missing column");
    assert!(t.findings.iter().all(|f| f.location.line == Some(1)));
    let parks = Parks::demo();
    let sites = parks.sites();
    let cfg = EnterpriseConfig::default();
    let as_of = AsOf::resolve(Day::parse_as_of(AS_OF).ok(), None);
    let s = screen(&t, &Context { parks: &sites, rejected_parks: &[], merges: &[], as_of, config: &cfg });
    let mut rules: Vec<&str> =
        s.findings.iter().filter(|f| f.outcome == Outcome::NotJudged).map(|f| f.rule.id).collect();
    rules.sort_unstable();
    assert_eq!(rules, ["B1", "B3", "B4", "P3", "P4"]);
}

#[test]
fn the_enterprises_config_section_is_read_and_checked() {
    use crate::config::Config;
    let c = Config::from_toml("[enterprises]\nb1_candidate_min_criteria = 3\nb1_candidate_required = [6]\n", "y.toml")
        .expect("valid");
    assert_eq!(
        (c.enterprises.b1_candidate_min_criteria, c.enterprises.b1_candidate_required.as_slice()),
        (3, &[6u8][..])
    );
    assert_eq!(c.enterprises.b1_min_loss_years, 3, "the documented default");
    assert!(Config::from_toml("[enterprises]\nb1_candidate_min_criteria = 7\n", "y.toml").is_err());
    assert!(Config::from_toml("[enterprises]\nb1_candidate_required = [0]\n", "y.toml").is_err());
    assert!(Config::from_toml("[enterprises]\np4_industry_keywords = [\"\"]\n", "y.toml").is_err());
    assert!(Config::from_toml("[enterprises]\nb1_min_criteria = 2\n", "y.toml").is_err(), "a misspelt key");
}

proptest::proptest! {
    #[test]
    fn arbitrary_rows_never_panic(body in "[A-Za-z0-9,.\\-/\"\n 是否%]{0,400}") {
        let text = format!("{}\n{body}", header());
        let t = parse_table(&text, "e.csv", &BTreeMap::new()).expect("the header is fine");
        let parks = Parks::demo();
        let sites = parks.sites();
        let cfg = EnterpriseConfig::default();
        let as_of = AsOf::resolve(Day::parse_as_of(AS_OF).ok(), None);
        let s = screen(&t, &Context { parks: &sites, rejected_parks: &[], merges: &[], as_of, config: &cfg });
        for f in &s.findings {
            proptest::prop_assert!(f.location.line.is_some());
        }
    }
}

#[test]
fn columns_renamed_in_the_configuration_are_read_under_their_own_names() {
    // the same table with two columns under the file's own names
    let canonical = table_text();
    let (head, body) = canonical.split_once('\n').expect("a header line");
    let renamed_head = head
        .split(',')
        .map(|h| match h.trim_start_matches('\u{feff}') {
            "enterprise_id" => "QYDM",
            "park_id" => "YQDM",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(",");
    let renamed = format!("{renamed_head}\n{body}");
    let map: BTreeMap<String, String> =
        [("enterprise_id", "QYDM"), ("park_id", "YQDM")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let t = parse_table(&renamed, "x/enterprises.csv", &map).expect("the renamed table is usable");
    let want = parse_table(&canonical, "x/enterprises.csv", &BTreeMap::new()).expect("a usable table");
    assert_eq!(t.read, want.read);
    assert_eq!(t.findings.len(), want.findings.len(), "no column reported missing");
    let parks = Parks::demo();
    let sites = parks.sites();
    let cfg = EnterpriseConfig::default();
    let as_of = AsOf::resolve(Day::parse_as_of(AS_OF).ok(), None);
    let ctx = Context { parks: &sites, rejected_parks: &[], merges: &[], as_of, config: &cfg };
    let (got, expect) = (screen(&t, &ctx), screen(&want, &ctx));
    let rules = |s: &Screening| s.findings.iter().map(|f| (f.enterprise_id.clone(), f.rule)).collect::<Vec<_>>();
    assert_eq!(rules(&got), rules(&expect));
    assert!(!rules(&got).is_empty());

    // without the mapping the table has no enterprise_id; a misspelt key is an error
    assert!(parse_table(&renamed, "e.csv", &BTreeMap::new()).is_err());
    let bad: BTreeMap<String, String> =
        [("enterprise", "QYDM".to_string())].into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    let e = parse_table(&renamed, "e.csv", &bad).unwrap_err().to_string();
    assert!(e.contains("[fields.enterprises] renames `enterprise`"), "{e}");
}
