//! C2: industrial-chain fit (按照产业链配套要求).
//!
//! A receiver fits a source when they share a leading industry, or when a
//! pair of their leading industries is listed as complementary in
//! [`MergeConfig::complementary`](super::MergeConfig::complementary) (either
//! direction). Names are compared after trimming, otherwise exactly: the
//! industry lists are data, and a near-miss spelling is for the data to fix.

/// Why `dst` fits `src`: the shared industry (`新材料`) or the complementary
/// pair (`现代煤化工↔精细化工`), or `None` when nothing fits. A shared
/// industry is preferred to a complementary pair; otherwise the first match
/// in the order of the lists.
pub fn chain_fit(src: &[String], dst: &[String], complementary: &[(String, String)]) -> Option<String> {
    let names =
        |v: &'_ [String]| -> Vec<String> { v.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect() };
    let (src, dst) = (names(src), names(dst));
    if let Some(shared) = src.iter().find(|a| dst.contains(a)) {
        return Some(shared.clone());
    }
    let listed = |a: &str, b: &str| {
        complementary.iter().any(|(x, y)| (x.trim() == a && y.trim() == b) || (x.trim() == b && y.trim() == a))
    };
    src.iter().find_map(|a| dst.iter().find(|b| listed(a, b)).map(|b| format!("{a}↔{b}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_shared_industry_fits() {
        assert_eq!(chain_fit(&v(&["冶金", " 新材料"]), &v(&["新材料 "]), &[]), Some("新材料".into()));
    }

    #[test]
    fn a_listed_pair_fits_both_ways() {
        let pairs = [("现代煤化工".to_string(), "精细化工".to_string())];
        assert_eq!(chain_fit(&v(&["现代煤化工"]), &v(&["精细化工"]), &pairs), Some("现代煤化工↔精细化工".into()));
        assert_eq!(chain_fit(&v(&["精细化工"]), &v(&["现代煤化工"]), &pairs), Some("精细化工↔现代煤化工".into()));
    }

    #[test]
    fn a_shared_industry_wins_over_a_pair() {
        let pairs = [("现代煤化工".to_string(), "精细化工".to_string())];
        assert_eq!(
            chain_fit(&v(&["现代煤化工", "新能源"]), &v(&["精细化工", "新能源"]), &pairs),
            Some("新能源".into())
        );
    }

    #[test]
    fn nothing_fits_without_industries() {
        assert_eq!(chain_fit(&[], &v(&["新材料"]), &[]), None);
        assert_eq!(chain_fit(&v(&["", " "]), &v(&["", " "]), &[]), None);
        assert_eq!(chain_fit(&v(&["冶金"]), &v(&["乳制品加工"]), &[]), None);
    }
}
