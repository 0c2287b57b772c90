//! Text folding for lookups and search: case- and diacritic-insensitive keys.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Folds `Türkiye`, `TURKIYE` and ` türkiye ` to `turkiye`: NFD, drop combining marks, lowercase,
/// punctuation to spaces, whitespace collapsed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() || c == '&' {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_case_diacritics_and_punctuation() {
        assert_eq!(fold("Türkiye"), "turkiye");
        assert_eq!(fold("  TÜRKIYE "), "turkiye");
        assert_eq!(fold("C-SOCC"), "c socc");
        assert_eq!(fold("CBRN-D&I"), "cbrn d&i");
        assert_eq!(fold("the  Netherlands"), "the netherlands");
    }
}
