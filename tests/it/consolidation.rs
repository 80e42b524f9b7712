//! Merge proposals on the demo layers: the invariants of C1–C4 checked on
//! the written files, and distances against the oracle (oracle.rs).

use crate::common::*;
use std::collections::BTreeMap;

#[test]
fn merges_stay_in_their_league_never_chain_and_account_for_every_source() {
    let demo = root().join("layers").join("demo");
    let t = tmp();
    let out = t.path().join("out");
    yuanqu_ok(&["analyze", demo.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"], 0);
    let parks = props(&out.join("parks.geojson"));
    let merges = props(&out.join("merges.geojson"));
    let f = findings(&out);
    assert!(!merges.is_empty());
    let league: BTreeMap<String, String> = parks
        .iter()
        .map(|p| (p["park_id"].as_str().unwrap().to_owned(), p["league_adcode"].as_str().unwrap_or("").to_owned()))
        .collect();
    let mut from_count: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &merges {
        let (from, to) = (m["from_park_id"].as_str().unwrap(), m["to_park_id"].as_str().unwrap());
        assert_eq!(league[from], league[to], "merge {from} → {to} crosses a league");
        assert!(!merges.iter().any(|n| n["from_park_id"] == to), "chain: {to} receives and merges");
        assert!(m["distance_m"].as_f64().unwrap() >= 0.0);
        assert!(["county", "league"].contains(&m["scope"].as_str().unwrap()));
        assert!(["C1", "C4"].contains(&m["reason"].as_str().unwrap()));
        *from_count.entry(from).or_default() += 1;
    }
    assert!(from_count.values().all(|&n| n == 1), "a source merges twice");
    // the maps: an overview, and one proposal sheet (PNG and SVG) per merge, named after its source
    assert!(out.join("map.png").is_file() && out.join("map.svg").is_file());
    let mut sheets: Vec<String> = std::fs::read_dir(out.join("maps"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    sheets.sort();
    let mut want: Vec<String> = merges
        .iter()
        .flat_map(|m| {
            let id = m["from_park_id"].as_str().unwrap();
            [format!("{id}.png"), format!("{id}.svg")]
        })
        .collect();
    want.sort();
    assert_eq!(sheets, want);
    // every labelled park name is text in the overview SVG (names dropped for room are counted in its legend)
    let svg = std::fs::read_to_string(out.join("map.svg")).unwrap();
    let named = parks.iter().filter(|p| svg.contains(p["park_name"].as_str().unwrap())).count();
    assert!(named * 2 > parks.len(), "only {named} of {} park names are in the SVG", parks.len());
    // every in-scope under-performing park merges or has a finding saying why not
    for p in parks.iter().filter(|p| p["in_scope"] == true && p["underperforming"] == true) {
        let id = p["park_id"].as_str().unwrap();
        let merged = p["merge_into"].is_string();
        let explained = f.iter().any(|x| x["park_id"] == id && (x["rule"] == "C1" || x["rule"] == "C4"));
        assert!(merged || explained, "under-performing park {id} neither merges nor is explained");
        if merged {
            assert!(merges.iter().any(|m| m["from_park_id"] == id && m["to_park_id"] == p["merge_into"]));
        }
    }
    // the what-if: sources are gone, receivers hold their sources' blocks
    let after = props(&out.join("parks_after.geojson"));
    assert_eq!(after.len(), parks.len() - merges.len());
    for m in &merges {
        let to = after.iter().find(|p| p["park_id"] == m["to_park_id"]).expect("receiver in parks_after");
        assert!(to["merged_from"].as_str().unwrap().split(',').any(|s| s == m["from_park_id"]));
        let src = parks.iter().find(|p| p["park_id"] == m["from_park_id"]).unwrap();
        for b in src["block_ids"].as_str().unwrap().split(',') {
            assert!(to["block_ids"].as_str().unwrap().split(',').any(|x| x == b));
        }
    }
}
