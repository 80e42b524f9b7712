//! Agreement with the independent oracle (shapely + pyproj):
//! `python3 scripts/oracle_check.py LAYERS OUT`.

use crate::common::*;
use std::process::Command;

#[test]
fn tricky_layers_agree_with_the_oracle() {
    let t = tmp();
    let layers = t.path().join("layers");
    gen_layers(&layers, &["--seed", "4242", "--parks", "40", "--zones", "240", "--tricky"]);
    let out = t.path().join("out");
    yuanqu_ok(&["analyze", layers.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q", "--no-maps"], 0);
    let o = Command::new("python3")
        .arg(root().join("scripts").join("oracle_check.py"))
        .arg(&layers)
        .arg(&out)
        .output()
        .expect("python3 runs");
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "oracle disagreement:\n{text}");
    assert!(text.contains(" 0 disagreements"), "{text}");
}
