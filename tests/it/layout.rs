//! Layout rules (L1, L2, L3), scope (S2), county filling (D7) and the
//! approved-area check (D8) on hand-made layers.

use crate::common::*;
use serde_json::Value;

fn park(id: &str, block: &str, county: &str, x: f64, extra: &str) -> (String, String) {
    (
        format!(r#"{{"park_id":"{id}","block_id":"{block}","county_adcode":"{county}"{extra}}}"#),
        rect(x, 40.0, x + 0.01, 40.01),
    )
}

fn run(dir: &std::path::Path, parks: &[(String, String)], toml: Option<&str>) -> Vec<Value> {
    let feats: Vec<(&str, &str)> = parks.iter().map(|(p, g)| (p.as_str(), g.as_str())).collect();
    write_fc(&dir.join("parks.geojson"), &feats);
    if let Some(t) = toml {
        std::fs::write(dir.join("yuanqu.toml"), t).unwrap();
    }
    let out = dir.join("out");
    yuanqu_ok(&["check", dir.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"], 0);
    findings(&out)
}

fn rules_of(f: &[Value], park: &str) -> Vec<String> {
    f.iter().filter(|x| x["park_id"] == park).map(|x| x["rule"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn one_park_per_county_two_in_a_strong_one() {
    let t = tmp();
    let parks = vec![
        park("A", "A-1", "150102", 111.0, ""),
        park("B", "B-1", "150102", 111.1, ""),
        park("C", "C-1", "150103", 111.2, ""),
        // a logistics park is out of scope and does not count (S2)
        park("L", "L-1", "150103", 111.3, r#","park_type":"物流园区""#),
    ];
    let f = run(t.path(), &parks, None);
    assert!(rules_of(&f, "A").contains(&"L1".to_owned()));
    assert!(rules_of(&f, "B").contains(&"L1".to_owned()));
    assert!(!rules_of(&f, "C").contains(&"L1".to_owned()), "C is alone in its county once L is out of scope");
    assert_eq!(rules_of(&f, "L"), vec!["S2".to_owned()]);
    // 150102 strong: two parks allowed
    let t2 = tmp();
    let f = run(t2.path(), &parks, Some("[layout]\nstrong_counties = [\"150102\"]\n"));
    assert!(!rules_of(&f, "A").iter().any(|r| r == "L1" || r == "L2"));
    // three parks in a strong county: L2
    let t3 = tmp();
    let mut three = parks.clone();
    three.push(park("D", "D-1", "150102", 111.4, ""));
    let f = run(t3.path(), &three, Some("[layout]\nstrong_counties = [\"150102\"]\n"));
    let d: Vec<&Value> = f.iter().filter(|x| x["park_id"] == "D" && x["rule"] == "L2").collect();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["value"], 3.0);
    assert_eq!(d[0]["threshold"], 2.0);
}

#[test]
fn four_blocks_break_l3_and_name_the_blocks() {
    let t = tmp();
    let parks: Vec<(String, String)> =
        (1..=4).map(|k| park("A", &format!("A-{k}"), "150102", 111.0 + 0.02 * f64::from(k), "")).collect();
    let f = run(t.path(), &parks, None);
    let l3: Vec<&Value> = f.iter().filter(|x| x["rule"] == "L3").collect();
    assert_eq!(l3.len(), 1);
    let msg = l3[0]["message"].as_str().unwrap();
    assert!(["A-1", "A-2", "A-3", "A-4"].iter().all(|b| msg.contains(b)), "{msg}");
    assert_eq!(l3[0]["severity"], "violation");
}

#[test]
fn approved_area_drift_beyond_the_share_is_reported() {
    // a 0.01° square at 40°N: 0.01 × 111.32 km × cos 40° ≈ 853 m by 0.01° of
    // latitude ≈ 1110 m: about 947,000 m² ≈ 1420 mu (by hand, to ~1%)
    let t = tmp();
    let parks = vec![
        park("A", "A-1", "150102", 111.0, r#","approved_area_mu":1420.0"#),
        park("B", "B-1", "150103", 111.1, r#","approved_area_mu":2000.0"#),
    ];
    let f = run(t.path(), &parks, None);
    assert!(!rules_of(&f, "A").contains(&"D8".to_owned()));
    assert!(rules_of(&f, "B").contains(&"D8".to_owned()));
}

#[test]
fn a_missing_county_is_taken_from_the_counties_layer() {
    // demo blocks whose county code is blanked: the counties layer must give it back
    let demo = root().join("layers").join("demo");
    let text = std::fs::read_to_string(demo.join("parks.geojson")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let t = tmp();
    let mut feats = Vec::new();
    let mut want = Vec::new();
    for f in v["features"].as_array().unwrap().iter().take(12) {
        let mut p = f["properties"].as_object().unwrap().clone();
        want.push((p["block_id"].as_str().unwrap().to_owned(), p["county_adcode"].as_str().unwrap().to_owned()));
        p.remove("county_adcode");
        p.remove("league_adcode");
        feats.push((serde_json::to_string(&p).unwrap(), f["geometry"].to_string()));
    }
    let refs: Vec<(&str, &str)> = feats.iter().map(|(p, g)| (p.as_str(), g.as_str())).collect();
    write_fc(&t.path().join("parks.geojson"), &refs);
    std::fs::copy(demo.join("counties.geojson"), t.path().join("counties.geojson")).unwrap();
    let out = t.path().join("out");
    yuanqu_ok(&["check", t.path().to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"], 0);
    let blocks = props(&out.join("blocks.geojson"));
    let f = findings(&out);
    for (b, county) in want {
        let got = blocks.iter().find(|p| p["block_id"] == b.as_str()).unwrap();
        assert_eq!(got["county_adcode"], county.as_str(), "block {b}");
        assert_eq!(got["league_adcode"], format!("{}00", &county[..4]).as_str());
        assert!(f.iter().any(|x| x["rule"] == "D7" && x["block_id"] == b.as_str()));
    }
}
