//! The planner commands, `proposal` and `place` (issue 7), run as a user runs
//! them, on a small layers folder written here so that every verdict, exit
//! code, area and distance can be derived on paper.
//!
//! The folder (all lon/lat, league 150600):
//!
//! | layer | feature | where | what |
//! |---|---|---|---|
//! | counties | 150604 测试旗 | [110.0, 110.4] × [40.0, 40.2] | |
//! | | 150602 东胜区 | [110.4, 110.55] × [40.4, 40.6] | |
//! | | 150603 强县 | [110.55, 110.7] × [40.4, 40.6] | `strong: true` (L2, quota 2) |
//! | | 150605 冶金县 | [110.7, 110.85] × [40.4, 40.6] | |
//! | zones | ZP prohibited 自然保护区 | [110.0, 110.1] × [40.0, 40.1] | |
//! | | ZR restricted 基本农田 | [110.2, 110.3] × [40.0, 40.1] | |
//! | parks | P1 新材料, 150602 | [110.5, 110.51] × [40.5, 40.51] | the county is at its quota of 1 |
//! | | P2 稀土新材料、精细化工, 150603 | [110.6, 110.61] × [40.5, 40.51] | |
//! | | P3 物流园区, 150604 | [110.35, 110.36] × [40.15, 40.16] | out of scope: counts for no quota |
//! | | P4 冶金, 150605 | [110.75, 110.76] × [40.5, 40.51] | |
//!
//! `yuanqu.toml` lists 新材料 ↔ 稀土新材料 as complementary. Reference
//! values are pyproj's (`Geod(ellps='GRS80')`), not this crate's: a
//! 0.01° × 0.01° block at [40.02, 40.03] is `polygon_area_perimeter` =
//! 1421.738671 mu, and the 0.02°-wide one 2843.477337 mu, whose halves are
//! 1421.738671 mu each.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const BLOCK_MU: f64 = 1_421.738_671;

fn feature_props(park: &str, block: &str, county: &str, kind: &str, industries: &str) -> String {
    format!(
        r#"{{"park_id":"{park}","block_id":"{block}","park_name":"{park}园","park_type":"{kind}","county_adcode":"{county}","leading_industries":"{industries}"}}"#
    )
}

/// Writes the layers folder of the module docs.
fn layers(dir: &Path) -> PathBuf {
    let l = dir.join("layers");
    std::fs::create_dir_all(&l).unwrap();
    let county = |code: &str, name: &str, strong: bool| {
        format!(
            r#"{{"adcode":"{code}","name":"{name}","parent_adcode":"150600","parent_name":"鄂尔多斯市","strong":{strong}}}"#
        )
    };
    write_fc(
        &l.join("counties.geojson"),
        &[
            (&county("150604", "测试旗", false), &rect(110.0, 40.0, 110.4, 40.2)),
            (&county("150602", "东胜区", false), &rect(110.4, 40.4, 110.55, 40.6)),
            (&county("150603", "强县", true), &rect(110.55, 40.4, 110.7, 40.6)),
            (&county("150605", "冶金县", false), &rect(110.7, 40.4, 110.85, 40.6)),
        ],
    );
    write_fc(
        &l.join("zones.geojson"),
        &[
            (
                r#"{"zone_id":"ZP","zone_class":"prohibited","zone_name":"某国家级自然保护区","zone_type":"自然保护区"}"#,
                &rect(110.0, 40.0, 110.1, 40.1),
            ),
            (
                r#"{"zone_id":"ZR","zone_class":"restricted","zone_name":"某永久基本农田","zone_type":"基本农田"}"#,
                &rect(110.2, 40.0, 110.3, 40.1),
            ),
        ],
    );
    write_fc(
        &l.join("parks.geojson"),
        &[
            (&feature_props("P1", "P1-1", "150602", "自治区级工业园区", "新材料"), &rect(110.5, 40.5, 110.51, 40.51)),
            (
                &feature_props("P2", "P2-1", "150603", "自治区级工业园区", "稀土新材料、精细化工"),
                &rect(110.6, 40.5, 110.61, 40.51),
            ),
            (&feature_props("P3", "P3-1", "150604", "物流园区", "现代物流"), &rect(110.35, 40.15, 110.36, 40.16)),
            (&feature_props("P4", "P4-1", "150605", "自治区级工业园区", "冶金"), &rect(110.75, 40.5, 110.76, 40.51)),
        ],
    );
    std::fs::write(l.join("yuanqu.toml"), "[merge]\ncomplementary = [[\"新材料\", \"稀土新材料\"]]\n").unwrap();
    l
}

/// A proposal file of new park N (自治区级工业园区, 新材料) with these blocks.
fn proposal(dir: &Path, name: &str, county: &str, blocks: &[(f64, f64, f64, f64)]) -> PathBuf {
    let path = dir.join(name);
    let props: Vec<String> = (1..=blocks.len())
        .map(|k| feature_props("N", &format!("N-{k}"), county, "自治区级工业园区", "新材料"))
        .collect();
    let geoms: Vec<String> = blocks.iter().map(|&(a, b, c, d)| rect(a, b, c, d)).collect();
    let feats: Vec<(&str, &str)> = props.iter().map(String::as_str).zip(geoms.iter().map(String::as_str)).collect();
    write_fc(&path, &feats);
    path
}

/// A parks layer of one park, P1 (新材料), which refuses hazardous chemicals (P3).
fn no_chemical_park(dir: &Path) -> PathBuf {
    let path = dir.join("no_chem.geojson");
    write_fc(
        &path,
        &[(&feature_props("P1", "P1-1", "150602", "自治区级工业园区", "新材料"), &rect(110.5, 40.5, 110.51, 40.51))],
    );
    path
}

/// Runs `proposal FILE --layers L --json` (plus `extra`), insisting on `code`.
fn check_json(file: &Path, layers: &Path, extra: &[&str], code: i32) -> Value {
    let o = yuanqu(
        &[&["proposal", file.to_str().unwrap(), "--layers", layers.to_str().unwrap(), "--json"], extra].concat(),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(code), "{out}{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// (rule, severity) of every finding that is not info.
fn serious(r: &Value) -> Vec<(String, String)> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| (f["rule"].as_str().unwrap().to_owned(), f["severity"].as_str().unwrap().to_owned()))
        .collect()
}

fn pair(rule: &str, severity: &str) -> (String, String) {
    (rule.to_owned(), severity.to_owned())
}

/// One block inside ZP: one Z2 overlap, the whole block (share 1); 150604
/// has only the logistics park, so the quota holds (0 + 1 ≤ 1). One
/// violation: exit 1, with or without --strict.
#[test]
fn a_block_fully_inside_a_prohibited_zone_is_a_z2_violation() {
    let t = tmp();
    let l = layers(t.path());
    let p = proposal(t.path(), "a.geojson", "150604", &[(110.02, 40.02, 110.03, 40.03)]);
    let conflicts = t.path().join("out").join("conflicts.geojson");
    let r = check_json(&p, &l, &["--conflicts", conflicts.to_str().unwrap()], 1);
    assert_eq!(r["verdict"], "violations");
    assert_eq!(serious(&r), vec![pair("Z2", "violation")]);
    let c = &r["conflicts"][0];
    assert_eq!((c["zone_id"].as_str(), c["zone_name"].as_str()), (Some("ZP"), Some("某国家级自然保护区")));
    assert!((c["overlap_mu"].as_f64().unwrap() - BLOCK_MU).abs() < 1e-5, "{c}");
    assert!((c["block_share"].as_f64().unwrap() - 1.0).abs() < 1e-9, "{c}");
    assert_eq!(r["quota"]["with_proposal"], 1);
    assert_eq!(r["quota"]["existing"].as_array().unwrap().len(), 0, "the logistics park P3 counts for no quota");
    // the conflicts file: the intersection, with rule and clause
    let f = props(&conflicts);
    assert_eq!(f.len(), 1);
    assert_eq!((f[0]["rule"].as_str(), f[0]["clause"].as_str()), (Some("Z2"), Some("§1 clause 1")));
    check_json(&p, &l, &["--strict"], 1);
    // the text names rule and clause on the finding's line
    let text = yuanqu_ok(&["proposal", p.to_str().unwrap(), "--layers", l.to_str().unwrap()], 1);
    assert!(text.contains("verdict: not compliant"), "{text}");
    assert!(
        text.lines().any(|s| s.starts_with("violation Z2 [§1 clause 1] block N-1 overlaps 禁止开发区域 ZP")),
        "{text}"
    );
}

/// A block sharing its west edge x = 110.30 with ZR's east edge: no area
/// in common, so no finding at all (not even D9). Compliant: exit 0, also
/// with --strict; the conflicts file is an empty collection.
#[test]
fn a_block_touching_a_restricted_zone_at_an_edge_has_no_finding() {
    let t = tmp();
    let l = layers(t.path());
    let p = proposal(t.path(), "b.geojson", "150604", &[(110.30, 40.02, 110.31, 40.03)]);
    let conflicts = t.path().join("conflicts.geojson");
    let r = check_json(&p, &l, &["--strict", "--conflicts", conflicts.to_str().unwrap()], 0);
    assert_eq!(r["verdict"], "compliant");
    assert!(serious(&r).is_empty(), "{r:#}");
    assert!(r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| !["Z1", "Z2", "D9"].contains(&f["rule"].as_str().unwrap())));
    assert_eq!(r["blocks"][0]["restricted_mu"], 0.0);
    assert!(props(&conflicts).is_empty());
}

/// Blocks 0.02° wide straddling a zone's edge at their middle: half of each
/// (1421.738671 mu) lies in the zone. Partly restricted: a Z1 warning, exit
/// 0, and 1 with --strict. Partly prohibited: a Z2 violation, exit 1.
#[test]
fn blocks_partly_over_a_restricted_and_a_prohibited_zone() {
    let t = tmp();
    let l = layers(t.path());
    let restricted = proposal(t.path(), "c1.geojson", "150604", &[(110.29, 40.02, 110.31, 40.03)]);
    let r = check_json(&restricted, &l, &[], 0);
    assert_eq!(r["verdict"], "warnings");
    assert_eq!(serious(&r), vec![pair("Z1", "warning")]);
    let c = &r["conflicts"][0];
    assert_eq!(c["zone_id"], "ZR");
    assert!((c["overlap_mu"].as_f64().unwrap() - BLOCK_MU).abs() < 1e-5, "{c}");
    // with geodesic edges the two halves add up to 5e-6 mu more than the whole
    assert!((c["block_share"].as_f64().unwrap() - 0.5).abs() < 1e-8, "{c}");
    check_json(&restricted, &l, &["--strict"], 1);

    let prohibited = proposal(t.path(), "c2.geojson", "150604", &[(110.09, 40.02, 110.11, 40.03)]);
    let r = check_json(&prohibited, &l, &[], 1);
    assert_eq!(serious(&r), vec![pair("Z2", "violation")]);
    assert!((r["conflicts"][0]["overlap_mu"].as_f64().unwrap() - BLOCK_MU).abs() < 1e-5);
    assert!((r["blocks"][0]["area_mu"].as_f64().unwrap() - 2.0 * BLOCK_MU).abs() < 1e-5);
    assert!((r["blocks"][0]["prohibited_mu"].as_f64().unwrap() - BLOCK_MU).abs() < 1e-5);
}

/// 150602 keeps 1 park and has P1: a new park there makes 2 > 1, an L1
/// violation naming P1, exit 1. P1 is the nearest park of the county, a
/// meridian arc from 40.51 to 40.52 away (pyproj: 1110.445454 m); P2 the
/// nearest elsewhere in the league, corner to corner (110.51, 40.52) →
/// (110.6, 40.51), pyproj 7707.807894 m. In the strong county 150603 (P2
/// there, quota 2) the same park is within the quota (L2): exit 0.
#[test]
fn a_new_park_in_a_county_at_its_quota_is_an_l1_violation() {
    let t = tmp();
    let l = layers(t.path());
    let p = proposal(t.path(), "d.geojson", "150602", &[(110.5, 40.52, 110.51, 40.53)]);
    let r = check_json(&p, &l, &[], 1);
    assert_eq!(serious(&r), vec![pair("L1", "violation")]);
    let l1 = r["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "L1").unwrap();
    assert!(l1["message"].as_str().unwrap().contains("P1 P1园"), "{l1}");
    assert_eq!((l1["value"].as_f64(), l1["threshold"].as_f64()), (Some(2.0), Some(1.0)));
    assert_eq!(r["quota"]["existing"][0]["park_id"], "P1");
    assert_eq!(r["county_name"], "东胜区", "named from the counties layer");
    let near = &r["nearest_in_county"][0];
    assert_eq!(near["park_id"], "P1");
    assert!((near["distance_m"].as_f64().unwrap() - 1_110.445_454).abs() < 1e-3, "{near}");
    let league = &r["nearest_in_league"];
    assert_eq!(league[0]["park_id"], "P2");
    assert!((league[0]["distance_m"].as_f64().unwrap() - 7_707.807_894).abs() < 1e-3, "{league}");
    assert_eq!(league.as_array().unwrap().len(), 2, "P2 and P4; never the out-of-scope P3: {league}");

    let strong = proposal(t.path(), "d2.geojson", "150603", &[(110.6, 40.52, 110.61, 40.53)]);
    let r = check_json(&strong, &l, &["--strict"], 0);
    assert_eq!((r["quota"]["rule"].as_str(), r["quota"]["allowed"].as_u64()), (Some("L2"), Some(2)));
}

/// Four disjoint blocks clear of every zone in 150604: 4 > 3, an L3
/// violation listing them, exit 1; nothing else.
#[test]
fn a_park_of_four_blocks_is_an_l3_violation() {
    let t = tmp();
    let l = layers(t.path());
    let blocks: Vec<(f64, f64, f64, f64)> =
        [110.31, 110.33, 110.35, 110.37].iter().map(|&x| (x, 40.12, x + 0.01, 40.13)).collect();
    let p = proposal(t.path(), "e.geojson", "150604", &blocks);
    let r = check_json(&p, &l, &[], 1);
    assert_eq!(serious(&r), vec![pair("L3", "violation")]);
    let l3 = r["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "L3").unwrap();
    assert!(l3["message"].as_str().unwrap().contains("4 block(s) (N-1, N-2, N-3, N-4)"), "{l3}");
    assert_eq!(r["blocks"].as_array().unwrap().len(), 4);
}

#[test]
fn an_unusable_proposal_is_exit_2_with_the_reason() {
    let t = tmp();
    let l = layers(t.path());
    let ls = l.to_str().unwrap();
    // a bow-tie: its ring crosses itself
    let bow = t.path().join("bow.geojson");
    write_fc(
        &bow,
        &[(
            &feature_props("N", "N-1", "150604", "自治区级工业园区", "新材料"),
            r#"{"type":"Polygon","coordinates":[[[110.3,40.12],[110.31,40.13],[110.31,40.12],[110.3,40.13],[110.3,40.12]]]}"#,
        )],
    );
    let e = yuanqu_ok(&["proposal", bow.to_str().unwrap(), "--layers", ls], 2);
    assert!(e.contains("the proposal cannot be checked") && e.contains("self-intersects"), "{e}");
    // with --repair it is checked (the repair is reported)
    let o = yuanqu(&["proposal", bow.to_str().unwrap(), "--layers", ls, "--repair"]);
    assert_ne!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("warning D2"));
    // two parks in one file
    let two = t.path().join("two.geojson");
    write_fc(
        &two,
        &[
            (&feature_props("N", "N-1", "150604", "自治区级工业园区", "新材料"), &rect(110.3, 40.12, 110.31, 40.13)),
            (&feature_props("M", "M-1", "150604", "自治区级工业园区", "新材料"), &rect(110.32, 40.12, 110.33, 40.13)),
        ],
    );
    let e = yuanqu_ok(&["proposal", two.to_str().unwrap(), "--layers", ls], 2);
    assert!(e.contains("blocks of 2 parks (M, N)"), "{e}");
    let e = yuanqu_ok(&["proposal", t.path().join("missing.geojson").to_str().unwrap(), "--layers", ls], 2);
    assert!(e.contains("missing.geojson"), "{e}");
    let ok = proposal(t.path(), "ok.geojson", "150604", &[(110.30, 40.02, 110.31, 40.03)]);
    let e = yuanqu_ok(&["proposal", ok.to_str().unwrap(), "--layers", t.path().join("nope").to_str().unwrap()], 2);
    assert!(e.contains("is not a folder"), "{e}");
}

/// Runs `place … --json` on the layers, insisting on `code`.
fn place_json(layers: &Path, args: &[&str], code: i32) -> Value {
    let o = yuanqu(&[&["place", "--layers", layers.to_str().unwrap(), "--json"], args].concat());
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(code), "{out}{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// Site (110.505, 40.55) in 150602, industry 新材料. By hand:
/// 1. P1 matches (新材料), straight south: the meridian arc 40.55 → 40.51,
///    pyproj 4441.793382 m;
/// 2. P2 complements (稀土新材料, the pair in yuanqu.toml), nearest at its
///    corner (110.6, 40.51): 9193.559472 m;
/// 3. P4 fits nothing, corner (110.75, 40.51): 21228.729572 m.
///
/// P3 is a logistics park (S2): left out. Split 0.3 of output 12345.678901
/// → 3703.7036703 → 3703.703670 to the fen, 8641.975231 the rest; of tax
/// 0.000005 (5 fen) → 1.5 fen, half away from zero 2 fen, 3 fen the rest.
#[test]
fn place_ranks_by_fit_then_distance_and_splits_to_the_fen() {
    let t = tmp();
    let l = layers(t.path());
    let args = [
        "--industry",
        "新材料",
        "--at",
        "110.505,40.55",
        "--investment",
        "100000",
        "--output",
        "12345.678901",
        "--tax",
        "0.000005",
        "--split",
        "0.3",
    ];
    let r = place_json(&l, &args, 0);
    let got: Vec<(&str, &str, f64)> = r["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["park_id"].as_str().unwrap(), p["fit"].as_str().unwrap(), p["distance_m"].as_f64().unwrap()))
        .collect();
    let want = [("P1", "match", 4_441.793_382), ("P2", "complementary", 9_193.559_472), ("P4", "none", 21_228.729_572)];
    assert_eq!(got.len(), 3, "{got:?}");
    for ((id, fit, d), (wid, wfit, wd)) in got.iter().zip(want) {
        assert_eq!((*id, *fit), (wid, wfit));
        assert!((d - wd).abs() < 1e-3, "{id}: {d} vs {wd}");
    }
    assert_eq!(r["ranking"][1]["fit_detail"], "新材料↔稀土新材料");
    assert_eq!(r["out_of_scope"], serde_json::json!(["P3"]));
    assert_eq!(r["site"]["county_adcode"], "150602");
    assert_eq!(r["project"]["contact_tier"], "league");
    let s = &r["split"];
    assert_eq!((s["recommending_share"].as_str(), s["receiving_share"].as_str()), (Some("0.3"), Some("0.7")));
    assert_eq!(
        (s["output"]["recommending"].as_str(), s["output"]["receiving"].as_str()),
        (Some("3703.70367"), Some("8641.975231"))
    );
    assert_eq!(
        (s["tax"]["recommending"].as_str(), s["tax"]["receiving"].as_str()),
        (Some("0.000002"), Some("0.000003"))
    );
    assert_eq!((s["receiving_park_id"].as_str(), s["receiving_county"].as_str()), (Some("P1"), Some("150602")));

    // the text: every finding line and every ranked park names rule and clause
    let text = yuanqu_ok(&[&["place", "--layers", l.to_str().unwrap()], &args[..]].concat(), 0);
    assert!(text.contains("info T2 [§6 clause 17] investment 100000 万元"), "{text}");
    assert!(text.contains("  1. P5 [§1 clause 3] P1 P1园 (150602 东胜区, the site's county): match 新材料"), "{text}");
    assert!(text.contains("3703.70367 万元 / 8641.975231 万元"), "{text}");
}

/// T2 at its boundaries: exactly 10亿 (100000 万元) is league/city, a fen
/// less is county; exactly 50亿 (500000 万元) is the region, a fen less is
/// league/city.
#[test]
fn place_contact_tiers_at_exactly_10_and_50_yi() {
    let t = tmp();
    let l = layers(t.path());
    for (investment, tier) in
        [("99999.999999", "county"), ("100000", "league"), ("499999.999999", "league"), ("500000", "region")]
    {
        let r = place_json(&l, &["--industry", "新材料", "--at", "110.505,40.55", "--investment", investment], 0);
        assert_eq!(r["project"]["contact_tier"], tier, "{investment}");
        let t2 = r["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "T2").unwrap();
        assert_eq!(t2["clause"], "§6 clause 17");
    }
}

/// P3: only P2 (精细化工) takes a hazardous-chemical project; without P2
/// nobody does: exit 1. P4: a ferroalloy project is flagged.
#[test]
fn place_hazardous_chemicals_and_p4() {
    let t = tmp();
    let l = layers(t.path());
    let base = ["--industry", "精细化工", "--at", "110.505,40.55", "--investment", "5000", "--hazardous-chemicals"];
    let r = place_json(&l, &base, 0);
    let ids = |key: &str| -> Vec<String> {
        r[key].as_array().unwrap().iter().map(|p| p["park_id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids("ranking"), vec!["P2"]);
    assert_eq!(ids("refused"), vec!["P1", "P4"]);
    assert_eq!(r["ranking"][0]["fit"], "match");

    let no_chem = no_chemical_park(t.path());
    let r = place_json(&l, &[&base[..], &["--parks", no_chem.to_str().unwrap()]].concat(), 1);
    assert!(r["ranking"].as_array().unwrap().is_empty());
    assert!(r["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "P3" && f["severity"] == "violation"));

    let r = place_json(&l, &["--industry", "硅铁", "--at", "110.505,40.55", "--investment", "300000"], 0);
    assert_eq!(r["project"]["p4_sector"], "ferroalloy 铁合金");
    assert!(r["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "P4" && f["severity"] == "warning"));
}

#[test]
fn place_refuses_unusable_values_with_exit_2() {
    let t = tmp();
    let l = layers(t.path());
    let ls = l.to_str().unwrap();
    let run = |extra: &[&str]| {
        let o = yuanqu(&[&["place", "--layers", ls, "--industry", "新材料"], extra].concat());
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let (code, e) = run(&["--at", "110.5,40.5", "--investment", "1.0000001"]);
    assert_eq!(code, Some(2));
    assert!(e.contains("finer than a fen"), "{e}");
    let (code, e) = run(&["--at", "40.5,110.5", "--investment", "1"]);
    assert_eq!(code, Some(2));
    assert!(e.contains("swapped"), "{e}");
    let (code, e) = run(&["--at", "110.5,40.5", "--investment", "-3"]);
    assert_eq!(code, Some(2), "{e}");
    let (code, e) = run(&["--at", "110.5,40.5", "--investment", "100", "--split", "0.3"]);
    assert_eq!(code, Some(2));
    assert!(e.contains("--split needs"), "{e}");
    let (code, e) = run(&["--at", "110.5,40.5", "--investment", "100", "--output", "5", "--split", "1.5"]);
    assert_eq!(code, Some(2));
    assert!(e.contains("from 0 to 1"), "{e}");
}

/// On the demo layers, `place` flags exactly what `analyze` wrote:
/// `underperforming` and `merge_into` of parks.geojson, and leaves out the
/// out-of-scope parks. The ranking puts every match before every
/// complementary and unfit park, each group by distance.
#[test]
fn place_on_the_demo_flags_what_analyze_wrote() {
    let demo = root().join("layers").join("demo");
    let t = tmp();
    let out = t.path().join("out");
    yuanqu_ok(&["analyze", demo.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q", "--no-maps"], 0);
    let parks = props(&out.join("parks.geojson"));
    let r = place_json(&demo, &["--industry", "新材料", "--at", "109.9,39.8", "--investment", "120000"], 0);
    let ranking = r["ranking"].as_array().unwrap();
    let in_scope = parks.iter().filter(|p| p["in_scope"] == true).count();
    assert_eq!(ranking.len(), in_scope);
    for q in ranking {
        let p = parks.iter().find(|p| p["park_id"] == q["park_id"]).expect("a ranked park is a park");
        assert_eq!(p["in_scope"], true);
        assert_eq!(q["merge_into"], p["merge_into"], "{}", q["park_id"]);
        assert_eq!(q["underperforming"], p["underperforming"], "{}", q["park_id"]);
        let flagged = |rule: &str| q["flags"].as_array().unwrap().iter().any(|f| f["rule"] == rule);
        assert_eq!(flagged("E12"), p["underperforming"] == true, "{}", q["park_id"]);
        assert_eq!(flagged("C1") || flagged("C4"), p["merge_role"].get("source").is_some(), "{}", q["park_id"]);
    }
    let key = |q: &Value| {
        let g = match q["fit"].as_str().unwrap() {
            "match" => 0,
            "complementary" => 1,
            _ => 2,
        };
        (g, q["distance_m"].as_f64().unwrap())
    };
    assert!(ranking.windows(2).all(|w| key(&w[0]) <= key(&w[1])));
    assert!(ranking.iter().take_while(|q| q["fit"] == "match").count() >= 1);
}

/// On the demo: a new park in 东胜区 (150602), which has P0001 and P0002
/// already, breaks L1 and names both.
#[test]
fn a_proposal_on_the_demo_names_the_parks_already_in_the_county() {
    let demo = root().join("layers").join("demo");
    let t = tmp();
    let p = t.path().join("p.geojson");
    write_fc(
        &p,
        &[(&feature_props("N", "N-1", "150602", "自治区级工业园区", "新材料"), &rect(109.9, 39.8, 109.91, 39.81))],
    );
    let r = check_json(&p, &demo, &[], 1);
    let q = &r["quota"];
    let existing: Vec<&str> =
        q["existing"].as_array().unwrap().iter().map(|e| e["park_id"].as_str().unwrap()).collect();
    assert_eq!(existing, vec!["P0001", "P0002"]);
    assert_eq!(q["with_proposal"], 3);
    let county: Vec<&str> =
        r["nearest_in_county"].as_array().unwrap().iter().map(|e| e["park_id"].as_str().unwrap()).collect();
    assert_eq!(county.len(), 2);
    assert!(county.contains(&"P0001") && county.contains(&"P0002"));
    let d: Vec<f64> =
        r["nearest_in_league"].as_array().unwrap().iter().map(|e| e["distance_m"].as_f64().unwrap()).collect();
    assert!(d.len() == 3 && d.windows(2).all(|w| w[0] <= w[1]) && d[0] > 0.0, "{d:?}");
}

/// A proposed block half over P3-1 ([110.35, 110.36] × [40.15, 40.16]) is a
/// D12 warning naming P3 with the shared half; a block sharing only P3-1's
/// east edge has none.
#[test]
fn a_proposal_over_an_existing_park_is_a_d12_warning() {
    use geo::{polygon, MultiPolygon};
    let t = tmp();
    let l = layers(t.path());
    let over = proposal(t.path(), "d12.geojson", "150604", &[(110.355, 40.15, 110.365, 40.16)]);
    let r = check_json(&over, &l, &[], 0);
    assert_eq!(serious(&r), vec![pair("D12", "warning")]);
    let shared = polygon![(x: 110.355, y: 40.15), (x: 110.36, y: 40.15), (x: 110.36, y: 40.16), (x: 110.355, y: 40.16)];
    let want = yuanqu::geom::area::area_m2(&MultiPolygon(vec![shared])) / yuanqu::units::M2_PER_MU;
    let f = r["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "D12").unwrap();
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("block P3-1 of existing park P3") && msg.contains(&format!("{want:.4} mu")),
        "{msg} vs {want}"
    );
    assert_eq!((f["park_id"].as_str(), f["block_id"].as_str()), (Some("N"), Some("N-1")));

    let touching = proposal(t.path(), "touch.geojson", "150604", &[(110.36, 40.15, 110.37, 40.16)]);
    let r = check_json(&touching, &l, &[], 0);
    assert!(serious(&r).is_empty(), "{:?}", serious(&r));

    // P3 redrawn larger under its own block id replaces P3-1: no clash with itself
    let redrawn = t.path().join("p3.geojson");
    write_fc(
        &redrawn,
        &[(&feature_props("P3", "P3-1", "150604", "物流园区", "现代物流"), &rect(110.35, 40.15, 110.362, 40.16))],
    );
    let r = check_json(&redrawn, &l, &[], 0);
    assert_eq!(r["extends"], "P3");
    assert!(!serious(&r).iter().any(|(rule, _)| rule == "D12"), "{:?}", serious(&r));
}

/// `--map` draws the review sheet: a PNG of the configured size and an SVG
/// whose text names the proposal, its verdict, its conflicts and its blocks.
#[test]
fn a_proposal_map_is_a_png_and_an_svg_of_the_review() {
    let demo = root().join("layers").join("demo");
    let t = tmp();
    // in 东胜区, east of P0001, inside prohibited zones (Z000020 whole, Z000212 in part)
    let p = proposal(t.path(), "p.geojson", "150602", &[(109.325, 39.905, 109.34, 39.915)]);
    let png = t.path().join("sheets").join("review.png");
    let args = ["proposal", p.to_str().unwrap(), "--layers", demo.to_str().unwrap(), "--map", png.to_str().unwrap()];
    let text = yuanqu_ok(&args, 1);
    assert!(text.contains("review sheet:") && text.contains("review.svg"), "{text}");
    let bytes = std::fs::read(&png).expect("the PNG");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let (w, h) =
        (u32::from_be_bytes(bytes[16..20].try_into().unwrap()), u32::from_be_bytes(bytes[20..24].try_into().unwrap()));
    assert_eq!((w, h), (2480, 1754), "A3 at 150 dpi by default");
    let svg = std::fs::read_to_string(png.with_extension("svg")).expect("the SVG");
    for t in ["拟设园区审查：N", "不符合", "与禁止开发区域重叠", "N-1", "图  例"] {
        assert!(svg.contains(t), "{t} not in the SVG");
    }
    // the same proposal without --map gives the same verdict and findings
    let r = check_json(&p, &demo, &[], 1);
    assert!(r["conflicts"].as_array().unwrap().iter().any(|c| c["zone_class"] == "prohibited"));
    // a map that cannot be written is exit 2, naming the file, and the
    // verdict is still given (in text and in JSON)
    let blocked = t.path().join("file");
    std::fs::write(&blocked, "").unwrap();
    let bad = blocked.join("review.png");
    let args = ["proposal", p.to_str().unwrap(), "--layers", demo.to_str().unwrap(), "--map", bad.to_str().unwrap()];
    let e = yuanqu_ok(&args, 2);
    assert!(e.contains("review.png") && e.contains("cannot be written"), "{e}");
    assert!(e.contains("verdict") && !e.contains("review sheet:"), "{e}");
    let json = yuanqu(&[&args[..], &["--json"]].concat());
    assert_eq!(json.status.code(), Some(2));
    let r: serde_json::Value = serde_json::from_slice(&json.stdout).expect("the answer, in JSON");
    assert_eq!(r["verdict"], "violations");
    assert!(r["map_error"].as_str().unwrap().contains("review.png"), "{r}");
}

/// `place --map` draws the site and the best-ranked parks, named by rank.
#[test]
fn a_place_map_marks_the_site_and_names_the_best_parks_by_rank() {
    let demo = root().join("layers").join("demo");
    let t = tmp();
    let png = t.path().join("site.png");
    let args = ["--industry", "新材料", "--at", "109.9,39.8", "--investment", "120000"];
    let r = place_json(&demo, &args, 0);
    let best = r["ranking"][0]["park_name"].as_str().unwrap().to_owned();
    let all = [&["place", "--layers", demo.to_str().unwrap(), "--map", png.to_str().unwrap()][..], &args[..]].concat();
    let text = yuanqu_ok(&all, 0);
    assert!(text.contains("site map:"), "{text}");
    assert_eq!(&std::fs::read(&png).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
    let svg = std::fs::read_to_string(png.with_extension("svg")).unwrap();
    for t in ["项目选址建议：新材料", "项目选址", &format!("第1位：{best}")] {
        assert!(svg.contains(t), "{t} not in the SVG");
    }
    // at most five parks are drawn by rank
    assert!(svg.contains("第5位：") && !svg.contains("第6位："));
}

/// With no park to take the project there is nothing to map: the answer
/// (exit 1) says so and no file is written.
#[test]
fn a_place_map_with_no_park_to_take_the_project_is_not_drawn() {
    let t = tmp();
    let l = layers(t.path());
    let no_chem = no_chemical_park(t.path());
    let png = t.path().join("site.png");
    let args = [
        "place",
        "--layers",
        l.to_str().unwrap(),
        "--parks",
        no_chem.to_str().unwrap(),
        "--industry",
        "精细化工",
        "--at",
        "110.505,40.55",
        "--investment",
        "5000",
        "--hazardous-chemicals",
        "--map",
        png.to_str().unwrap(),
    ];
    let text = yuanqu_ok(&args, 1);
    assert!(text.contains("site map: not drawn, no park can take the project"), "{text}");
    assert!(!png.exists() && !png.with_extension("svg").exists());
}
