//! Enterprise screening on the demo layers (issue 8): relocations checked
//! against merges.geojson and the input table read independently, bad cells
//! with line and column, `--as-of`.

use crate::common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Rows of a CSV output (BOM stripped) as column → cell maps.
fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().expect("a header").iter().map(str::to_owned).collect();
    r.records().map(|x| header.iter().cloned().zip(x.expect("a row").iter().map(str::to_owned)).collect()).collect()
}

fn analyze(extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let demo = root().join("layers").join("demo");
    let t = tmp();
    let out = t.path().join("out");
    let mut args = vec!["analyze", demo.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q", "--no-maps"];
    args.extend_from_slice(extra);
    yuanqu_ok(&args, 0);
    (t, out)
}

#[test]
fn every_row_of_a_merging_park_relocates_with_its_merge() {
    let (_t, out) = analyze(&[]);
    let merges: BTreeMap<String, (String, f64)> = props(&out.join("merges.geojson"))
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap().to_owned();
            (s("from_park_id"), (s("to_park_id"), m["distance_m"].as_f64().unwrap()))
        })
        .collect();
    // the input, read here: every row whose park merges away must relocate
    let input = csv_rows(&root().join("layers").join("demo").join("enterprises.csv"));
    let want: BTreeSet<(String, String)> = input
        .iter()
        .filter(|r| merges.contains_key(&r["park_id"]))
        .map(|r| (r["enterprise_id"].clone(), r["park_id"].clone()))
        .collect();
    let relocations = csv_rows(&out.join("relocations.csv"));
    let got: BTreeSet<(String, String)> =
        relocations.iter().map(|r| (r["enterprise_id"].clone(), r["from_park_id"].clone())).collect();
    assert!(!want.is_empty(), "the demo table has rows in merging parks");
    assert_eq!(got, want);
    for r in &relocations {
        let (to, d) = &merges[&r["from_park_id"]];
        assert_eq!(&r["to_park_id"], to);
        assert_eq!(r["distance_m"].parse::<f64>().unwrap(), *d, "{r:?}");
    }
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("### Relocations (C5)") && report.contains("E0002"), "report section");
}

#[test]
fn screening_results_reach_findings_with_line_and_column() {
    let (_t, out) = analyze(&[]);
    let f = findings(&out);
    let at = |rule: &str, line: u64| {
        f.iter()
            .find(|x| x["rule"] == rule && x["location"]["line"] == line)
            .unwrap_or_else(|| panic!("no {rule} finding at line {line}"))
    };
    // E0012, line 16: debt_ratio_y2 = N/A
    let d10 = at("D10", 16);
    assert_eq!(d10["location"]["column"], "debt_ratio_y2");
    assert!(d10["location"]["file"].as_str().unwrap().ends_with("enterprises.csv"));
    // … and the row is still screened: criterion 2 met, 6 not judged
    let b1 = at("B1", 16);
    assert!(b1["message"].as_str().unwrap().contains("6 (debt_ratio_y2 not reported)"), "{b1}");
    // E0002, line 3: the zombie candidate
    assert_eq!(at("B1", 3)["severity"], "warning");
    // X0001, line 5: a zombie project whose quota returns to P0002
    assert_eq!(at("B2", 5)["park_id"], "P0002");
    let rows = csv_rows(&out.join("enterprise_findings.csv"));
    let e2 = rows.iter().find(|r| r["enterprise_id"] == "E0002" && r["rule"] == "B1").expect("E0002 B1");
    assert_eq!((e2["criteria_met"].as_str(), e2["candidate"].as_str()), ("1;2;4;5;6", "true"));
}

#[test]
fn as_of_moves_the_dated_rules_and_a_bad_date_is_refused() {
    // 2022-06-30: X0001's deadline (2022-12) has not passed, and E0002 stopped
    // (2021-03-31) less than 2 years before
    let (_t, out) = analyze(&["--as-of", "2022-06-30"]);
    let rows = csv_rows(&out.join("enterprise_findings.csv"));
    assert!(!rows.iter().any(|r| r["enterprise_id"] == "X0001" && r["rule"] == "B2"));
    let e2 = rows.iter().find(|r| r["enterprise_id"] == "E0002" && r["rule"] == "B1").expect("E0002 B1");
    assert_eq!(e2["criteria_met"], "2;4;5;6");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("Judged as of: 2022-06-30 (--as-of)"));
    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["enterprises_as_of"]["date"], "2022-06-30", "{run:#}");
    assert_eq!(run["enterprises_as_of"]["source"], "flag");

    let t = tmp();
    let o = t.path().join("o");
    let text = yuanqu_ok(
        &[
            "analyze",
            "--no-maps",
            root().join("layers/demo").to_str().unwrap(),
            "--out",
            o.to_str().unwrap(),
            "--as-of",
            "2023-13-01",
        ],
        2,
    );
    assert!(text.contains("2023-13-01"), "{text}");
}

#[test]
fn an_enterprises_table_that_is_not_utf8_stops_the_run_with_a_hint() {
    let t = tmp();
    let bad = t.path().join("enterprises.csv");
    std::fs::write(&bad, b"enterprise_id,name\nE1,\xb6\xab\xca\xa4\n").unwrap();
    let out = t.path().join("out");
    let text = yuanqu_ok(
        &[
            "analyze",
            "--no-maps",
            root().join("layers/demo").to_str().unwrap(),
            "--enterprises",
            bad.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        2,
    );
    assert!(text.contains("not UTF-8") && text.contains("hint:"), "{text}");
}
